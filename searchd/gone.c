/*
 * gone.c - the hang-up watcher (gone.h).
 *
 * A registry of (socket, flag, ticket) under a mutex; the thread copies the
 * sockets not yet reported, polls them for at most POLL_MS, and sets the
 * flags of those that hung up if their ticket is still registered (the
 * worker may have finished meanwhile).  So a cancelled request stops
 * within POLL_MS plus one check interval of the evaluation.
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include "gone.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define POLL_MS 20

typedef struct entry {
  int fd;
  int reported; /* its flag is set: not polled again */
  atomic_int *flag;
  uint64_t ticket;
} entry;

static struct {
  pthread_mutex_t mu;
  entry *v;
  size_t n, cap;
  uint64_t next_ticket;
  int stop, started;
  pthread_t tid;
  atomic_uint_least64_t seen;
} G = {.mu = PTHREAD_MUTEX_INITIALIZER};

uint64_t gone_watch(int fd, atomic_int *flag) {
  if (fd < 0) return 0;
  pthread_mutex_lock(&G.mu);
  uint64_t t = 0;
  if (G.n == G.cap) {
    size_t nc = G.cap ? G.cap * 2 : 64;
    entry *nv = realloc(G.v, nc * sizeof *nv);
    if (nv) {
      G.v = nv;
      G.cap = nc;
    }
  }
  if (G.n < G.cap) {
    t = ++G.next_ticket;
    G.v[G.n++] = (entry){fd, 0, flag, t};
  }
  pthread_mutex_unlock(&G.mu);
  return t;
}

void gone_unwatch(uint64_t ticket) {
  if (!ticket) return;
  pthread_mutex_lock(&G.mu);
  for (size_t i = 0; i < G.n; i++)
    if (G.v[i].ticket == ticket) {
      G.v[i] = G.v[--G.n];
      break;
    }
  pthread_mutex_unlock(&G.mu);
}

void gone_cancel_all(void) {
  pthread_mutex_lock(&G.mu);
  for (size_t i = 0; i < G.n; i++)
    atomic_store(G.v[i].flag, 1);
  pthread_mutex_unlock(&G.mu);
}

uint64_t gone_count(void) {
  return atomic_load(&G.seen);
}

static void *watch(void *arg) {
  (void)arg;
  struct pollfd *pf = NULL;
  uint64_t *tk = NULL;
  size_t cap = 0;
  for (;;) {
    pthread_mutex_lock(&G.mu);
    if (G.stop) {
      pthread_mutex_unlock(&G.mu);
      break;
    }
    if (cap < G.n) {
      struct pollfd *npf = realloc(pf, G.n * sizeof *npf);
      if (npf) pf = npf;
      uint64_t *ntk = realloc(tk, G.n * sizeof *ntk);
      if (ntk) tk = ntk;
      if (npf && ntk) cap = G.n;
    }
    size_t n = 0;
    for (size_t i = 0; i < G.n && n < cap; i++)
      if (!G.v[i].reported) {
        pf[n] = (struct pollfd){G.v[i].fd, POLLRDHUP, 0};
        tk[n++] = G.v[i].ticket;
      }
    pthread_mutex_unlock(&G.mu);
    if (n == 0) {
      struct timespec ts = {0, POLL_MS * 1000000L};
      nanosleep(&ts, NULL);
      continue;
    }
    int k = poll(pf, n, POLL_MS);
    if (k <= 0) continue;
    pthread_mutex_lock(&G.mu);
    for (size_t j = 0; j < n; j++) {
      if (!(pf[j].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
        continue;
      for (size_t i = 0; i < G.n; i++)
        if (G.v[i].ticket == tk[j]) {
          G.v[i].reported = 1;
          atomic_store(G.v[i].flag, 1);
          atomic_fetch_add(&G.seen, 1);
          break;
        }
    }
    pthread_mutex_unlock(&G.mu);
    if ((size_t)k == n) { /* every one reported: do not spin */
      struct timespec ts = {0, 1000000L};
      nanosleep(&ts, NULL);
    }
  }
  free(pf);
  free(tk);
  return NULL;
}

int gone_start(void) {
  G.stop = 0;
  if (pthread_create(&G.tid, NULL, watch, NULL) != 0) return -1;
  G.started = 1;
  return 0;
}

void gone_stop(void) {
  if (!G.started) return;
  pthread_mutex_lock(&G.mu);
  G.stop = 1;
  pthread_mutex_unlock(&G.mu);
  pthread_join(G.tid, NULL);
  G.started = 0;
  free(G.v);
  G.v = NULL;
  G.n = G.cap = 0;
}
