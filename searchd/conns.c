/*
 * conns.c - fair connection shares between addresses (conns.h).
 *
 * Every open connection is a node in one list (for the longest-idle
 * search) and counted under its address in a small chained hash table.
 * Closing an idle connection is a shutdown() of its socket under the
 * mutex: libmicrohttpd sees the end of the stream and closes it itself,
 * and it calls conns_notify(CLOSED), which takes the node out under the
 * same mutex, before it closes the socket, so the socket shut down is
 * never another's.
 */
#include "conns.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define NBUCKETS 1024
#define CONN_SNDBUF (1 << 20)

typedef struct addr {
  uint64_t client;
  unsigned n;
  struct addr *next;
} addr;

typedef struct conn {
  struct conn *prev, *next;
  uint64_t client;
  int fd;
  int busy;
  int closing; /* shut down by us: no longer counted as a place */
  double idle_since;
} conn;

static struct {
  pthread_mutex_t mu;
  unsigned max, per_ip, reserve;
  unsigned open, addresses;
  conn *head;
  addr *bucket[NBUCKETS];
  atomic_uint_least64_t refused, evicted;
} K = {.mu = PTHREAD_MUTEX_INITIALIZER};

static double clock_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void conns_init(unsigned max, unsigned per_ip) {
  K.max = max;
  K.per_ip = per_ip;
  K.reserve = max / 16 < 4 ? 4 : max / 16;
  if (K.reserve >= max) K.reserve = max > 1 ? max - 1 : 0;
}

uint64_t conns_addr_hash(const struct sockaddr *sa) {
  const unsigned char *p = NULL;
  size_t n = 0;
  if (sa && sa->sa_family == AF_INET) {
    p = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
    n = sizeof(struct in_addr);
  } else if (sa && sa->sa_family == AF_INET6) {
    p = (const unsigned char *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
    n = sizeof(struct in6_addr);
  }
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ULL;
  return h ? h : 1;
}

static addr **find(uint64_t client) {
  addr **a = &K.bucket[client % NBUCKETS];
  while (*a && (*a)->client != client)
    a = &(*a)->next;
  return a;
}

static unsigned held(uint64_t client) {
  addr *a = *find(client);
  return a ? a->n : 0;
}

/* An address's share when n addresses hold connections. */
static unsigned share(unsigned n) {
  unsigned s = (K.max - K.reserve) / (n ? n : 1);
  if (s < 2) s = 2;
  if (K.per_ip && s > K.per_ip) s = K.per_ip;
  return s;
}

/* Shuts down the longest-idle connection, from an address over its share
 * when there is one, not from `except`; 1 when one was. */
static int evict(uint64_t except, unsigned cap) {
  conn *best = NULL, *best_over = NULL;
  for (conn *c = K.head; c; c = c->next) {
    if (c->busy || c->closing || c->client == except) continue;
    if (!best || c->idle_since < best->idle_since) best = c;
    if (held(c->client) > cap &&
        (!best_over || c->idle_since < best_over->idle_since))
      best_over = c;
  }
  conn *v = best_over ? best_over : best;
  if (!v) return 0;
  v->closing = 1;
  shutdown(v->fd, SHUT_RDWR);
  atomic_fetch_add(&K.evicted, 1);
  return 1;
}

enum MHD_Result conns_accept(void *cls, const struct sockaddr *sa,
                             socklen_t len) {
  (void)cls;
  (void)len;
  uint64_t client = conns_addr_hash(sa);
  pthread_mutex_lock(&K.mu);
  unsigned mine = held(client);
  unsigned cap = share(K.addresses + (mine == 0));
  unsigned closing = 0;
  for (conn *c = K.head; c; c = c->next)
    closing += c->closing;
  unsigned places = K.open - closing; /* evicted ones are on their way */
  int ok;
  if (mine >= cap)
    ok = 0; /* its share is full */
  else if (places + K.reserve < K.max)
    ok = 1; /* a free place */
  else if (places < K.max && mine == 0)
    ok = 1; /* the reserve, for a new address */
  else
    ok = evict(client, cap); /* an idle one makes room, or none */
  pthread_mutex_unlock(&K.mu);
  if (!ok) atomic_fetch_add(&K.refused, 1);
  return ok ? MHD_YES : MHD_NO;
}

void conns_notify(void *cls, struct MHD_Connection *mc, void **ctx,
                  enum MHD_ConnectionNotificationCode code) {
  (void)cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    conn *c = calloc(1, sizeof *c);
    *ctx = c;
    if (!c) return; /* not counted */
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    c->client = conns_addr_hash(ci ? ci->client_addr : NULL);
    ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
    c->fd = ci ? (int)ci->connect_fd : -1;
    /* A modest send buffer: libmicrohttpd sees a slow reader's progress
     * (it closes a connection without progress for CONN_TIMEOUT_S), and
     * unread answers do not pile up in the kernel. */
    int sndbuf = CONN_SNDBUF;
    if (c->fd >= 0)
      setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    c->idle_since = clock_ms();
    pthread_mutex_lock(&K.mu);
    c->next = K.head;
    if (K.head) K.head->prev = c;
    K.head = c;
    K.open++;
    addr **a = find(c->client);
    if (!*a && (*a = calloc(1, sizeof **a))) {
      (*a)->client = c->client;
      K.addresses++;
    }
    if (*a) (*a)->n++;
    pthread_mutex_unlock(&K.mu);
    return;
  }
  conn *c = *ctx;
  *ctx = NULL;
  if (!c) return;
  pthread_mutex_lock(&K.mu);
  if (c->prev)
    c->prev->next = c->next;
  else
    K.head = c->next;
  if (c->next) c->next->prev = c->prev;
  K.open--;
  addr **a = find(c->client);
  if (*a && --(*a)->n == 0) {
    addr *gone = *a;
    *a = gone->next;
    free(gone);
    K.addresses--;
  }
  pthread_mutex_unlock(&K.mu);
  free(c);
}

void conns_busy(struct MHD_Connection *mc, int busy) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  conn *c = ci ? ci->socket_context : NULL;
  if (!c) return;
  pthread_mutex_lock(&K.mu);
  c->busy = busy;
  if (!busy) c->idle_since = clock_ms();
  pthread_mutex_unlock(&K.mu);
}

void conns_get_stats(conns_stats *s) {
  pthread_mutex_lock(&K.mu);
  s->open = K.open;
  s->addresses = K.addresses;
  pthread_mutex_unlock(&K.mu);
  s->refused = atomic_load(&K.refused);
  s->evicted = atomic_load(&K.evicted);
}
