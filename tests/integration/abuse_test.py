#!/usr/bin/env python3
"""baogao-searchd under abuse keeps serving good clients.

While a good client (from 127.0.0.2) asks a fixed set of searches over and
over, others (from 127.0.0.1 and 127.0.0.3) at the same time:

  - send requests a byte a second (slowloris);
  - open thousands of connections and hold them;
  - send huge headers and announce huge bodies;
  - send random bytes;
  - ask pathological queries: thousands of OR terms, deep nesting, a
    one-character query with all=1, long phrases, every view endpoint.

Every good request must get its 200 answer, equal to the answer it had
before the abuse, within 15 seconds; every pathological request a 200 or a
JSON error (400/404/414/503); the daemon must stay up with bounded memory
(its peak resident size is printed) and stop cleanly on SIGTERM.

usage: abuse_test.py --searchd BIN --indexer BIN --corpus DIR
                     [--shared-corpus DIR] [--seconds N]
"""
import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

FAILS = []
LOCK = threading.Lock()


def check(cond, what):
    if not cond:
        with LOCK:
            FAILS.append(what)
            if len(FAILS) <= 30:
                print("FAIL: " + what, flush=True)


def norm(body):
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return re.sub(r'"took_ms": [-0-9.eE+]+', '"took_ms": 0', body, count=1)


def target(path, **params):
    return path + "?" + urllib.parse.urlencode(params,
                                               quote_via=urllib.parse.quote)


def request(port, tgt, source="127.0.0.2", timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                   source_address=(source, 0))
    try:
        c.request("GET", tgt)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def rss_kb(pid, field):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


GOOD = ["高质量发展", "新质生产力", "稳中求进 OR 稳中有进", "发展 -经济",
        "year:2020..2025 营商环境", '"生态 文明"', "GDP", "乡村振兴"]


def raise_nofile():
    """Lets this process hold the thousands of connections the tests open."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 8192 if hard == resource.RLIM_INFINITY else min(hard, 8192)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--shared-corpus")
    ap.add_argument("--seconds", type=float,
                    default=float(os.environ.get("BAOGAO_ABUSE_SECONDS", 30)))
    a = ap.parse_args()
    raise_nofile()
    tmp = tempfile.mkdtemp(prefix="baogao-abuse-")
    try:
        return run(a, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(a, tmp):
    src = os.path.join(tmp, "reports")
    os.mkdir(src)
    files = [os.path.join(a.corpus, n) for n in os.listdir(a.corpus)
             if n.endswith(".txt")]
    if a.shared_corpus and os.path.isdir(a.shared_corpus):
        files += [os.path.join(a.shared_corpus, n)
                  for n in os.listdir(a.shared_corpus) if n.endswith(".txt")]
    for p in files:
        os.symlink(os.path.abspath(p), os.path.join(src, os.path.basename(p)))
    index = os.path.join(tmp, "index")
    r = subprocess.run([a.indexer, "--index", index, src], capture_output=True)
    if r.returncode != 0:
        print("indexer failed: " + r.stderr.decode())
        return 1
    d = subprocess.Popen([a.searchd, "--index", index, "--listen",
                          "127.0.0.1:0", "--quiet", "--threads", "2",
                          "--timeout-ms", "3000", "--max-query-bytes",
                          "65536", "--max-connections", "512",
                          "--max-connections-per-ip", "64"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = d.stdout.readline().decode()
    m = re.match(r"listening on http://127\.0\.0\.1:(\d+)$", line.strip())
    if not m:
        d.kill()
        print("no 'listening on' line: %r" % line)
        return 1
    port = int(m.group(1))
    try:
        return abuse(a, d, port)
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()


def abuse(a, d, port):
    # The answers before the abuse.
    want = {}
    for q in GOOD:
        t = target("/v1/search", q=q, limit=10)
        st, body = request(port, t)
        check(st == 200, "baseline %r: %d" % (q, st))
        want[t] = norm(body)
    rss0 = rss_kb(d.pid, "VmRSS")
    stop_all = threading.Event()
    phase = ["before"]
    lat = {}  # phase -> the good client's latencies, s
    stats = {"good": 0, "good_max_s": 0.0, "slow": 0, "flood_open": 0,
             "flood_refused": 0, "huge": 0, "garbage": 0, "patho": 0}

    def good():
        targets = list(want)
        i = 0
        while not stop_all.is_set():
            t = targets[i % len(targets)]
            i += 1
            t0 = time.monotonic()
            try:
                st, body = request(port, t, timeout=15)
                ok = st == 200 and norm(body) == want[t]
                check(ok, "good request %s: %d %r" % (t[:60], st, body[:120]))
            except OSError as e:
                check(False, "good request %s failed: %s" % (t[:60], e))
            took = time.monotonic() - t0
            with LOCK:
                stats["good"] += 1
                stats["good_max_s"] = max(stats["good_max_s"], took)
                lat.setdefault(phase[0], []).append(took)
            check(took < 15, "good request took %.1f s" % took)

    def slowloris(stop):
        socks = []
        msg = b"GET /v1/search?q=%E5%8F%91%E5%B1%95 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for _ in range(80):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                socks.append(s)
            except OSError:
                pass
        pos = 0
        while not stop.is_set():
            for s in list(socks):
                try:
                    s.send(msg[pos % len(msg):pos % len(msg) + 1])
                    stats["slow"] += 1
                except OSError:
                    socks.remove(s)
            pos += 1
            stop.wait(1.0)
        for s in socks:
            s.close()

    def flood(stop):
        socks = []
        while not stop.is_set() and len(socks) + stats["flood_refused"] < 3000:
            try:
                s = socket.socket()
                s.bind(("127.0.0.3", 0))
                s.settimeout(2)
                s.connect(("127.0.0.1", port))
                socks.append(s)
                stats["flood_open"] += 1
            except OSError:
                stats["flood_refused"] += 1
                s.close()
        stop.wait()
        for s in socks:
            s.close()

    def huge(stop):
        while not stop.is_set():
            for req in (
                    b"GET /v1/search?q=a HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                    b"a" * 1000000 + b"\r\n\r\n",
                    b"GET /v1/search?q=" + b"%E5%8F%91" * 200000 +
                    b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    b"POST /v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Length: 10000000000\r\n\r\n" + b"x" * 100000,
                    b"GET /v1/search?q=a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n"
                    b"FFFFFFFFFFFF\r\n" + b"y" * 100000):
                try:
                    s = socket.create_connection(("127.0.0.1", port),
                                                 timeout=10)
                    try:
                        s.sendall(req)
                    except OSError:
                        pass
                    try:
                        s.recv(4096)
                    except OSError:
                        pass
                    s.close()
                    stats["huge"] += 1
                except OSError:
                    pass

    def garbage(stop):
        rng = random.Random(7)
        while not stop.is_set():
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(bytes(rng.randrange(256)
                                for _ in range(rng.randrange(1, 3000))))
                s.shutdown(socket.SHUT_WR)
                try:
                    s.recv(4096)
                except OSError:
                    pass
                s.close()
                stats["garbage"] += 1
            except OSError:
                pass

    patho_queries = [
        ("/v1/search", {"q": " OR ".join(["发"] * 5000)}),
        ("/v1/search", {"q": " OR ".join(chr(0x4e00 + i) for i in range(4000))}),
        ("/v1/search", {"q": "(" * 20000 + "发展" + ")" * 20000}),
        ("/v1/search", {"q": "的", "all": "1"}),
        ("/v1/search", {"q": " ".join(["的"] * 5000)}),
        ("/v1/search", {"q": '"' + "发展" * 10000 + '"'}),
        ("/v1/search", {"q": "-的 -发展 " * 2000}),
        ("/v1/search", {"q": "的", "offset": "99999999"}),
        ("/v1/count", {"q": " OR ".join(["的", "了", "是"] * 1000),
                       "by": "report"}),
        ("/v1/kwic", {"q": "的"}),
        ("/v1/kwic", {"q": "发展", "width": "1000"}),
        ("/v1/similar", {"text": "发展" * 10000, "limit": "1000"}),
        ("/v1/compare", {"a": "2025_北京市", "b": "2025_上海市"}),
        ("/v1/search", {"q": "year:" + "9" * 5000}),
        ("/v1/search", {"q": "region:" + "省" * 5000}),
    ]

    def patho(stop, k):
        rng = random.Random(k)
        while not stop.is_set():
            path, params = rng.choice(patho_queries)
            t0 = time.monotonic()
            try:
                st, body = request(port, target(path, **params),
                                   source="127.0.0.1", timeout=60)
            except OSError:
                continue  # the per-address limit may refuse it
            took = time.monotonic() - t0
            check(st in (200, 400, 404, 414, 503),
                  "%s %s...: status %d" % (path, str(params)[:40], st))
            if st != 200 and body:
                try:
                    e = json.loads(body)["error"]
                    check(e["code"] and e["message"], "error object")
                except (ValueError, KeyError, TypeError):
                    check(False, "%s: not a JSON error: %r" %
                          (path, body[:100]))
            check(took < 60, "%s took %.1f s" % (path, took))
            with LOCK:
                stats["patho"] += 1

    # Each attack alone, then all at once; the good client throughout.
    phases = [("slow requests", [slowloris]), ("connection flood", [flood]),
              ("huge headers and bodies", [huge]),
              ("random bytes", [garbage]),
              ("pathological queries", [lambda st: patho(st, 0),
                                        lambda st: patho(st, 1),
                                        lambda st: patho(st, 2)]),
              ("all at once", [slowloris, flood, huge, garbage,
                               lambda st: patho(st, 3)])]
    each = a.seconds / len(phases)
    gt = threading.Thread(target=good)
    gt.start()
    peak = 0
    report = []
    for name, attackers in phases:
        stop = threading.Event()
        phase[0] = name
        ts = [threading.Thread(target=f, args=(stop,)) for f in attackers]
        for t in ts:
            t.start()
        t0 = time.monotonic()
        ppeak = 0
        while time.monotonic() - t0 < each:
            time.sleep(0.25)
            ppeak = max(ppeak, rss_kb(d.pid, "VmRSS"))
            if d.poll() is not None:
                break
        check(d.poll() is None, "the daemon is running during: " + name)
        stop.set()
        for t in ts:
            t.join(120)
            check(not t.is_alive(), "a client thread of %s ended" % name)
        peak = max(peak, ppeak)
        report.append((name, ppeak))
    phase[0] = "after"
    stop_all.set()
    gt.join(60)
    print("%-26s %8s %10s %10s %10s %8s" % ("abuse", "good req", "p50 ms",
                                             "p99 ms", "max ms", "RSS MB"))
    for name, ppeak in report:
        v = sorted(lat.get(name, []))
        if v:
            print("%-26s %8d %10.1f %10.1f %10.1f %8d" %
                  (name, len(v), 1e3 * v[len(v) // 2],
                   1e3 * v[min(len(v) - 1, int(len(v) * 0.99))],
                   1e3 * v[-1], ppeak // 1024))
        check(len(v) >= 3, "the good client was served during %s (%d "
              "requests)" % (name, len(v)))
    hwm = rss_kb(d.pid, "VmHWM")
    print("%.0f s of abuse: %d good requests (slowest %.2f s), %d slow "
          "bytes, %d flood connections opened and %d refused, %d huge "
          "requests, %d garbage connections, %d pathological requests" %
          (a.seconds, stats["good"], stats["good_max_s"], stats["slow"],
           stats["flood_open"], stats["flood_refused"], stats["huge"],
           stats["garbage"], stats["patho"]))
    print("searchd resident memory: %d MB before, %d MB peak (VmHWM %d MB)"
          % (rss0 // 1024, peak // 1024, hwm // 1024))
    check(stats["good"] >= 10, "the good client was served (%d requests)" %
          stats["good"])
    check(hwm < 2 * 1024 * 1024, "peak memory under 2 GB (%d MB)" %
          (hwm // 1024))
    # Still serving, and the same answers.
    for t, body in want.items():
        st, got = request(port, t)
        check(st == 200 and norm(got) == body, "after the abuse: %s" % t[:60])
    d.send_signal(15)
    try:
        rc = d.wait(timeout=30)
    except subprocess.TimeoutExpired:
        rc = None
    check(rc == 0, "SIGTERM after the abuse: exit %r" % rc)
    err = d.stderr.read().decode("utf-8", "replace")
    check("AddressSanitizer" not in err and "runtime error" not in err,
          "no sanitizer report: %s" % err[-2000:])
    print("%d checks failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
