/*
 * fuzz.h - what the fuzz targets share: a check that stops the run.
 *
 * A target checks what the contract of the code under test promises
 * beyond "does not crash"; a broken promise aborts, which libFuzzer
 * reports as a finding and replay.c as a failed test.
 */
#ifndef BG_FUZZ_H
#define BG_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                 \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,  \
              #cond);                                                    \
      abort();                                                           \
    }                                                                    \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
