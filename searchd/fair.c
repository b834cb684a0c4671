/*
 * fair.c - decaying per-address cost (fair.h).
 *
 * A direct-mapped table of FAIR_SLOTS entries that never grows: of two
 * addresses that share a slot, the one charged last holds it (collisions
 * are rare among the addresses active within a few half-lives).
 */
#include "fair.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

#define FAIR_SLOTS 4096

static struct {
  pthread_mutex_t mu;
  struct {
    uint64_t client;
    double cost, at; /* cost as of time at (ms) */
  } slot[FAIR_SLOTS];
} F = {.mu = PTHREAD_MUTEX_INITIALIZER};

static double clock_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double decayed(double cost, double at, double now) {
  return now > at ? cost * exp2(-(now - at) / FAIR_HALF_LIFE_MS) : cost;
}

void fair_charge(uint64_t client, double ms) {
  double now = clock_ms();
  pthread_mutex_lock(&F.mu);
  unsigned i = (unsigned)(client % FAIR_SLOTS);
  if (F.slot[i].client != client) {
    F.slot[i].client = client;
    F.slot[i].cost = 0;
  }
  F.slot[i].cost = decayed(F.slot[i].cost, F.slot[i].at, now) + ms;
  F.slot[i].at = now;
  pthread_mutex_unlock(&F.mu);
}

double fair_now(void) { return clock_ms(); }

double fair_cost(uint64_t client) { return fair_cost_at(client, clock_ms()); }

double fair_cost_at(uint64_t client, double now) {
  double c = 0;
  pthread_mutex_lock(&F.mu);
  unsigned i = (unsigned)(client % FAIR_SLOTS);
  if (F.slot[i].client == client)
    c = decayed(F.slot[i].cost, F.slot[i].at, now);
  pthread_mutex_unlock(&F.mu);
  return c;
}
