/*
 * budget.h - the memory budget of answers in flight (--max-answer-mb).
 *
 * Every answer made is charged its size from when it is made until
 * libmicrohttpd has sent it (or dropped it: client gone, connection timed
 * out).  A worker whose answer does not fit waits for answers in flight to
 * be sent, until its request's deadline; then the client gets 503 busy.
 * Answers made by the polling threads (errors, /healthz, /metrics: small)
 * never wait.  An answer under construction is limited separately, to a
 * fraction of the budget (core/cancel.h, bg_cancel_max_bytes()).
 */
#ifndef SEARCHD_BUDGET_H
#define SEARCHD_BUDGET_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Sets the budget, in bytes. */
void budget_init(size_t max);

/* A response holding buf[0, n) (taken over) charged to the budget, the
 * charge given back when libmicrohttpd frees it.  When the budget is
 * short, waits until deadline_ms (bg_now_ms() time; 0: does not wait, the
 * charge is taken anyway) or until *gone; then frees buf and returns NULL
 * with *busy set.  NULL without *busy: out of memory (buf freed). */
struct MHD_Response *budget_response(char *buf, size_t n, double deadline_ms,
                                     const atomic_int *gone, int *busy);

typedef struct budget_stats {
  size_t used, max;
  uint64_t waited, refused;
} budget_stats;

void budget_get_stats(budget_stats *s);

#endif
