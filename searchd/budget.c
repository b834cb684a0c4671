/*
 * budget.c - answers in flight and their bytes (budget.h).
 */
#include "budget.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

typedef struct held {
  char *buf;
  size_t n;
} held;

static struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t max, used;
  uint64_t waited, refused;
} B = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

void budget_init(size_t max) {
  B.max = max;
}

static void give_back(void *cls) {
  held *h = cls;
  pthread_mutex_lock(&B.mu);
  B.used -= h->n;
  pthread_cond_broadcast(&B.cv);
  pthread_mutex_unlock(&B.mu);
  free(h->buf);
  free(h);
}

/* Takes n bytes; 0, or -1 past the deadline or once gone. */
static int take(size_t n, double deadline_ms, const atomic_int *gone) {
  pthread_mutex_lock(&B.mu);
  int counted = 0;
  while (deadline_ms > 0 && B.used > 0 && B.used + n > B.max) {
    if (!counted) B.waited++;
    counted = 1;
    if ((gone && atomic_load(gone)) || bg_now_ms() >= deadline_ms) {
      B.refused++;
      pthread_mutex_unlock(&B.mu);
      return -1;
    }
    /* Woken when an answer is sent; the clock and *gone are looked at
     * again every 50 ms. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 50 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&B.cv, &B.mu, &ts);
  }
  B.used += n;
  pthread_mutex_unlock(&B.mu);
  return 0;
}

struct MHD_Response *budget_response(char *buf, size_t n, double deadline_ms,
                                     const atomic_int *gone, int *busy) {
  *busy = 0;
  held *h = malloc(sizeof *h);
  if (!h) {
    free(buf);
    return NULL;
  }
  if (take(n, deadline_ms, gone) != 0) {
    *busy = 1;
    free(buf);
    free(h);
    return NULL;
  }
  h->buf = buf;
  h->n = n;
  struct MHD_Response *r =
      MHD_create_response_from_buffer_with_free_callback_cls(n, buf, give_back,
                                                             h);
  if (!r) give_back(h);
  return r;
}

void budget_get_stats(budget_stats *s) {
  pthread_mutex_lock(&B.mu);
  s->used = B.used;
  s->max = B.max;
  s->waited = B.waited;
  s->refused = B.refused;
  pthread_mutex_unlock(&B.mu);
}
