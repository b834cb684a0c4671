/*
 * cancel.h - stopping a request's work: a deadline and a "client gone" flag.
 *
 * A server thread that answers a request sets both for the thread with
 * bg_cancel_begin(); the loops of the evaluation and of the views (per
 * report, per batch of positions, per page of output) call bg_cancelled()
 * and give up with BG_ETIMEOUT when it says so.  A thread that never calls
 * bg_cancel_begin() (the CLI, the indexer, the tests) is never cancelled
 * here: the views' own timeout_ms options still apply.
 */
#ifndef BG_CANCEL_H
#define BG_CANCEL_H

#include <stdatomic.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* From now on this thread's work is cancelled once bg_now_ms() passes
 * deadline_ms (0: no deadline) or *gone becomes non-zero (gone may be
 * NULL).  gone is borrowed until bg_cancel_end(). */
void bg_cancel_begin(double deadline_ms, const atomic_int *gone);

/* Ends what bg_cancel_begin() set for this thread. */
void bg_cancel_end(void);

/* 1 when this thread's work is to stop: its deadline passed (2 is
 * returned instead when the client is gone); 0 otherwise.  Costs a clock
 * read: call it per report or per batch, not per position. */
int bg_cancelled(void);

/* The answer this thread builds may hold about max bytes of text (0: no
 * limit); resets the count.  bg_cancel_end() lifts it. */
void bg_cancel_max_bytes(size_t max);

/* Counts n bytes more of the answer under construction; 1 when that is
 * past the limit (the view then stops with BG_ETOOLARGE), else 0. */
int bg_cancel_charge(size_t n);

/* The limit bg_cancel_max_bytes() set; 0: none. */
size_t bg_cancel_max(void);

/* The deadline bg_cancel_begin() set for this thread; 0: none. */
double bg_cancel_deadline(void);

#ifdef __cplusplus
}
#endif

#endif
