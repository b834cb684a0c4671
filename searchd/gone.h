/*
 * gone.h - notices clients that hang up while their request waits for a
 * worker or is being answered.
 *
 * libmicrohttpd does not look at a suspended connection, so a client that
 * gives up is only seen once its answer is written.  A thread here polls
 * the sockets of the requests handed to the workers for a hang-up
 * (POLLRDHUP, POLLHUP, POLLERR) and sets their flag, which the worker's
 * evaluation reads through bg_cancelled() (core/cancel.h).  A client that
 * half-closes its side after the request (shutdown(SHUT_WR)) counts as gone.
 */
#ifndef SEARCHD_GONE_H
#define SEARCHD_GONE_H

#include <stdatomic.h>
#include <stdint.h>

/* Starts the watching thread; -1 when it cannot. */
int gone_start(void);

/* Stops it. */
void gone_stop(void);

/* Watches fd until gone_unwatch(ticket); *flag becomes 1 when its client
 * hangs up.  flag must stay valid until then.  Returns the ticket, 0 when
 * fd cannot be watched (out of memory: the request is then not watched). */
uint64_t gone_watch(int fd, atomic_int *flag);

/* Stops watching; call it before the connection is resumed (its socket may
 * be closed and its number reused after that). */
void gone_unwatch(uint64_t ticket);

/* Sets the flag of every request watched: the daemon stops. */
void gone_cancel_all(void);

/* Hang-ups seen so far. */
uint64_t gone_count(void);

#endif
