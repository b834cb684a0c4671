/*
 * cancel.c - a thread's deadline and "client gone" flag (cancel.h).
 *
 * Thread-local, so that no option struct of the views changes shape and
 * the CLI and indexer need not know: searchd's worker sets it around each
 * request.
 */
#include "cancel.h"

#include "util.h"

static _Thread_local struct {
  double deadline;
  const atomic_int *gone;
  size_t max_bytes, bytes;
} tc;

void bg_cancel_begin(double deadline_ms, const atomic_int *gone) {
  tc.deadline = deadline_ms;
  tc.gone = gone;
}

void bg_cancel_end(void) {
  tc.deadline = 0;
  tc.gone = NULL;
  tc.max_bytes = tc.bytes = 0;
}

void bg_cancel_max_bytes(size_t max) {
  tc.max_bytes = max;
  tc.bytes = 0;
}

int bg_cancel_charge(size_t n) {
  tc.bytes += n;
  return tc.max_bytes && tc.bytes > tc.max_bytes;
}

size_t bg_cancel_max(void) {
  return tc.max_bytes;
}

int bg_cancelled(void) {
  if (tc.gone && atomic_load_explicit(tc.gone, memory_order_relaxed)) return 2;
  if (tc.deadline > 0 && bg_now_ms() > tc.deadline) return 1;
  return 0;
}

double bg_cancel_deadline(void) {
  return tc.deadline;
}
