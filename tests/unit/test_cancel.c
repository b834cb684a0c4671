/*
 * test_cancel.c - a thread's deadline, client-gone flag and answer size
 * (cancel.h), and the terminal escaping of names and messages (escape.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "cancel.h"
#include "escape.h"
#include "util.h"

static void never_without_begin(void **state) {
  (void)state;
  assert_int_equal(bg_cancelled(), 0);
  assert_int_equal(bg_cancel_charge(1u << 30), 0);
  assert_true(bg_cancel_deadline() == 0);
}

static void deadline_and_flag(void **state) {
  (void)state;
  atomic_int gone = 0;
  bg_cancel_begin(bg_now_ms() + 60000, &gone);
  assert_int_equal(bg_cancelled(), 0);
  atomic_store(&gone, 1);
  assert_int_equal(bg_cancelled(), 2);
  atomic_store(&gone, 0);
  bg_cancel_begin(bg_now_ms() - 1, &gone);
  assert_int_equal(bg_cancelled(), 1);
  bg_cancel_end();
  assert_int_equal(bg_cancelled(), 0);
}

static void *other_thread(void *arg) {
  (void)arg;
  return (void *)(intptr_t)bg_cancelled();
}

static void per_thread(void **state) {
  (void)state;
  bg_cancel_begin(bg_now_ms() - 1, NULL);
  pthread_t t;
  void *rc;
  assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
  pthread_join(t, &rc);
  assert_int_equal((intptr_t)rc, 0);
  assert_int_equal(bg_cancelled(), 1);
  bg_cancel_end();
}

static void answer_size(void **state) {
  (void)state;
  bg_cancel_begin(0, NULL);
  bg_cancel_max_bytes(100);
  assert_int_equal(bg_cancel_max(), 100);
  assert_int_equal(bg_cancel_charge(60), 0);
  assert_int_equal(bg_cancel_charge(40), 0);
  assert_int_equal(bg_cancel_charge(1), 1);
  bg_cancel_max_bytes(100); /* resets the count */
  assert_int_equal(bg_cancel_charge(100), 0);
  bg_cancel_end();
  assert_int_equal(bg_cancel_charge(1000), 0);
}

static void escape_names(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"2025_北京市.txt", "2025_北京市.txt"},
      {"a\x1b[31mb", "a\\x1b[31mb"},
      {"cr\rlf\n", "cr\\x0dlf\\x0a"},
      {"del\x7f", "del\\x7f"},
      {"c1\xc2\x9b", "c1\\xc2\\x9b"}, /* U+009B, CSI */
      {"bad\xff\xfe", "bad\\xff\\xfe"},
      {"cut\xe6\xb5", "cut\\xe6\\xb5"},
      {"over\xc0\xaf", "over\\xc0\\xaf"},
      {"back\\slash", "back\\\\slash"},
      {"", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *s = bg_escape_name(cases[i].in);
    assert_non_null(s);
    assert_string_equal(s, cases[i].out);
    free(s);
  }
}

static void escape_stream(void **state) {
  (void)state;
  char *buf = NULL;
  size_t size = 0;
  FILE *mem = open_memstream(&buf, &size);
  assert_non_null(mem);
  FILE *f = bg_escape_stream(mem);
  assert_non_null(f);
  /* A sequence cut between two writes stays whole. */
  fputs("x: \xe6", f);
  fflush(f);
  fputs("\xb5\x8b\x1b[2J\tend\n", f);
  fclose(f);
  fclose(mem);
  assert_string_equal(buf, "x: 测\\x1b[2J\tend\n");
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(never_without_begin),
      cmocka_unit_test(deadline_and_flag),
      cmocka_unit_test(per_thread),
      cmocka_unit_test(answer_size),
      cmocka_unit_test(escape_names),
      cmocka_unit_test(escape_stream),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
