/*
 * fair.h - what each client address has cost the workers lately.
 *
 * The work queue gives the next free worker to the waiting request whose
 * address has cost the least worker time in the last seconds (a decaying
 * sum, half-life FAIR_HALF_LIFE_MS): an address that asks expensive
 * queries waits behind the addresses that ask cheap ones, not in front of
 * them, and gets its turn again as its cost decays.  Heavy addresses
 * never hold the last worker.
 */
#ifndef SEARCHD_FAIR_H
#define SEARCHD_FAIR_H

#include <stdint.h>

#define FAIR_HALF_LIFE_MS 5000.0

/* An address that cost this much lately is "heavy": heavy addresses
 * together hold all workers but one. */
#define FAIR_HEAVY_MS 1000.0

/* Adds ms of worker time to client's cost (client: a hashed address). */
void fair_charge(uint64_t client, double ms);

/* client's cost now, in worker milliseconds. */
double fair_cost(uint64_t client);

/* The clock of fair_cost_at(), in ms. */
double fair_now(void);

/* client's cost as of time now (fair_now()): a scan of the queue asks
 * every request's at one time, so that two requests of one client cost
 * the same and the earlier goes first (asked a moment apart, the later
 * would cost less, having decayed longer, and a busy client's requests
 * would go last in, first out). */
double fair_cost_at(uint64_t client, double now);

#endif
