/*
 * replay.c - runs a fuzz target's entry point over files, without
 * libFuzzer.
 *
 * Linked with one tests/fuzz/fuzz_<target>.c, it feeds every file named
 * on the command line, and every regular file inside a folder named there,
 * to LLVMFuzzerTestOneInput() once.  ctest runs it over the seeds and the
 * regression inputs in every build, so a finding once fixed stays fixed
 * under gcc and its sanitizers as well as under clang's.  A folder that
 * does not exist holds no input yet and is skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the target on the file at path; returns 0, or -1 when it cannot be
 * read. */
static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    len += fread(buf + len, 1, cap - len, f);
    if (len < cap) break;
    uint8_t *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb, cap *= 2;
  }
  int failed = !buf || ferror(f);
  fclose(f);
  if (failed) {
    fprintf(stderr, "replay: %s: cannot read\n", path);
    free(buf);
    return -1;
  }
  /* An exact-size copy, so that ASan sees a read past the input's end. */
  uint8_t *exact = malloc(len ? len : 1);
  if (!exact) {
    free(buf);
    return -1;
  }
  memcpy(exact, buf, len);
  free(buf);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the target on every regular file in dir, in name order; returns
 * the number of files run, or -1 on an error. */
static long run_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  long rc = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    size_t need = strlen(dir) + strlen(e->d_name) + 2;
    char *path = malloc(need);
    if (!path) {
      rc = -1;
      break;
    }
    snprintf(path, need, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(path);
      continue;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn) {
        free(path);
        rc = -1;
        break;
      }
      names = nn;
    }
    names[n++] = path;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    if (rc >= 0 && run_file(names[i]) != 0) rc = -1;
    if (rc >= 0) rc++;
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  long total = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      if (errno == ENOENT) continue; /* no inputs of that kind yet */
      fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
      return 1;
    }
    long n = S_ISDIR(st.st_mode) ? run_dir(argv[i])
                                 : (run_file(argv[i]) == 0 ? 1 : -1);
    if (n < 0) return 1;
    printf("replay: %s: %ld input%s\n", argv[i], n, n == 1 ? "" : "s");
    total += n;
  }
  printf("replay: %ld inputs, no failure\n", total);
  return 0;
}
