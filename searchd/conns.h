/*
 * conns.h - which connections the daemon takes: fair shares between
 * client addresses.
 *
 * A global cap (--max-connections) and a per-address cap that shrinks as
 * addresses multiply: an address may hold at most
 * min(--max-connections-per-ip, (max - reserve) / addresses) connections,
 * at least 2.  The last `reserve` places (max/16, at least 4) go only to
 * addresses that hold no connection yet, so that a new client (and a
 * /healthz probe) gets in while others fill the rest.  When every place is
 * taken, the longest-idle connection (no request under way; an address
 * over its share first) is closed to make room; when every connection is
 * busy, the newcomer is refused.
 *
 * Runs in libmicrohttpd's accept policy and connection notification
 * callbacks; conns_busy() marks a connection between a request's start and
 * its end.
 */
#ifndef SEARCHD_CONNS_H
#define SEARCHD_CONNS_H

#include <microhttpd.h>
#include <stdint.h>
#include <sys/socket.h>

/* Sets the caps; per_ip 0: no cap but the shares. */
void conns_init(unsigned max, unsigned per_ip);

/* The hash of a client's address (not its port); never 0. */
uint64_t conns_addr_hash(const struct sockaddr *sa);

/* MHD_AcceptPolicyCallback: takes or refuses a connection from addr. */
enum MHD_Result conns_accept(void *cls, const struct sockaddr *addr,
                             socklen_t addrlen);

/* MHD_NotifyConnectionCallback: counts connections opened and closed. */
void conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                  enum MHD_ConnectionNotificationCode code);

/* Marks c as answering a request (1) or idle (0). */
void conns_busy(struct MHD_Connection *c, int busy);

typedef struct conns_stats {
  unsigned open, addresses;
  uint64_t refused, evicted;
} conns_stats;

void conns_get_stats(conns_stats *s);

#endif
