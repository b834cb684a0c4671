#!/usr/bin/env python3
"""baogao-searchd against hostile traffic: one test per point of issue 17.

  1. work for clients that hung up is cancelled;
  2. the time limit holds while an answer is built;
  3. many addresses cannot lock a new one (or /healthz) out;
  4. answers in flight stay within the memory budget, and RSS returns;
  5. SIGTERM: the listener closes at once, an answer in flight finishes,
     a second SIGTERM ends the wait;
  6. HTTP framing: duplicated or body framing is refused and the
     connection closed;
  7. file names with control bytes are escaped in baogao-index's messages
     and `baogao reports`, invalid UTF-8 names said to be so;
  8. /v1/stats and /v1/reports show no server paths; /healthz's revision
     does not go back;
  9. one address's requests queued behind a busy worker are served in the
     order they came.

Loopback only, from several addresses of 127.0.0.0/8.  For each abuse it
prints the good requests served and the cheap query's p99 meanwhile, and
the daemon's RSS before, at its peak and after.

usage: hostile_test.py --searchd BIN --indexer BIN --corpus DIR
                       [--shared-corpus DIR]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abuse_test import raise_nofile  # noqa: E402
from abuse_test import request as get  # noqa: E402

FAILS = []
LOCK = threading.Lock()
CHEAP = "/v1/search?q=%E9%AB%98%E8%B4%A8%E9%87%8F%E5%8F%91%E5%B1%95&limit=5"


def check(cond, what):
    if not cond:
        with LOCK:
            FAILS.append(what)
        print("FAIL: " + what, flush=True)


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params,
                                               quote_via=urllib.parse.quote)


def rss_mb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return -1


def metric(port, name):
    st, body = get(port, "/metrics", source="127.0.0.9")
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


class Daemon:
    def __init__(self, a, index, *extra):
        self.p = subprocess.Popen(
            [a.searchd, "--index", index, "--listen", "127.0.0.1:0",
             "--quiet", "--threads", "3"] + list(extra),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.p.stdout.readline().decode().strip()
        m = re.match(r"listening on http://127\.0\.0\.1:(\d+)$", line)
        if not m:
            self.p.kill()
            raise RuntimeError("no 'listening on' line: %r" % line)
        self.port = int(m.group(1))
        self.pid = self.p.pid

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(30)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        err = self.p.stderr.read().decode("utf-8", "replace")
        check("AddressSanitizer" not in err and "runtime error" not in err,
              "no sanitizer report: %s" % err[-2000:])


class Good:
    """A good client asking the cheap query over and over, from
    127.0.0.2, during an abuse; with the latencies, and a peak RSS."""

    def __init__(self, d):
        self.d, self.lat, self.bad, self.peak = d, [], 0, 0
        self.stop = threading.Event()
        self.t = threading.Thread(target=self.run)
        self.before = rss_mb(d.pid)
        self.t.start()

    def run(self):
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                st, _ = get(self.d.port, CHEAP, timeout=20)
            except OSError:
                st = 0
            self.lat.append(time.monotonic() - t0)
            self.peak = max(self.peak, rss_mb(self.d.pid))
            if st != 200:
                self.bad += 1
            self.stop.wait(0.05)

    def end(self, name):
        self.stop.set()
        self.t.join(60)
        v = sorted(self.lat) or [0]
        p99 = v[min(len(v) - 1, int(len(v) * 0.99))]
        after = rss_mb(self.d.pid)
        print("%-34s good %4d (failed %d)  cheap p50 %6.0f ms  p99 %6.0f ms"
              "  RSS %d/%d/%d MB" % (name, len(self.lat), self.bad,
                                     1e3 * v[len(v) // 2], 1e3 * p99,
                                     self.before, self.peak, after),
              flush=True)
        return len(self.lat), self.bad, p99


# ---- 1. cancellation ----

def t1_cancel(a, index):
    d = Daemon(a, index)
    try:
        g = Good(d)

        def hang(i):
            s = socket.socket()
            s.bind(("127.0.1.%d" % (i % 8 + 1), 0))
            s.settimeout(0.3)
            try:
                s.connect(("127.0.0.1", d.port))
                s.sendall(b"GET /v1/search?q=year:..3000&all=1&offset=%d "
                          b"HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % i)
                s.recv(100)
            except OSError:
                pass
            s.close()

        for rnd in range(3):
            ts = [threading.Thread(target=hang, args=(rnd * 40 + i,))
                  for i in range(40)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        time.sleep(0.5)
        busy = metric(d.port, "baogao_workers_busy")
        queued = metric(d.port, "baogao_queue_length")
        cancelled = metric(d.port, "baogao_requests_cancelled_total")
        n, bad, p99 = g.end("1. 120 clients hang up at 0.3 s")
        print("   0.5 s after: %s workers busy, %s queued, %s cancelled" %
              (busy, queued, cancelled))
        check(busy == 0 and queued == 0,
              "1: work stopped after the clients left (%s busy, %s queued)"
              % (busy, queued))
        check(cancelled and cancelled > 0, "1: work was cancelled")
        check(bad == 0 and p99 < 2.0, "1: cheap query p99 %.2f s, %d failed"
              % (p99, bad))
    finally:
        d.stop()


# ---- 2. deadline ----

def t2_deadline(a, index):
    d = Daemon(a, index, "--timeout-ms", "300")
    try:
        g = Good(d)
        ors = " OR ".join(chr(0x4e00 + i) for i in range(580))
        worst = 0
        for tgt in [q("/v1/search", q="的", all="1"),
                    q("/v1/search", q=ors, all="1"),
                    q("/v1/search", q="year:..3000", all="1"),
                    q("/v1/kwic", q="的", width="200"),
                    q("/v1/count", q=" OR ".join(["的", "了", "是"] * 190),
                      by="report")] * 2:
            t0 = time.monotonic()
            st, body = get(d.port, tgt, source="127.0.2.1")
            took = time.monotonic() - t0
            worst = max(worst, took)
            j = json.loads(body)
            if st == 200:
                check(j.get("took_ms", 0) <= 300 + 150,
                      "2: took_ms %s past 300 ms + one interval: %s" %
                      (j.get("took_ms"), tgt[:60]))
            else:
                e = j["error"]
                check(st == 503 and e["code"] == "timeout" and
                      e.get("asked", "").startswith(tgt.split("?")[0]) and
                      e.get("timeout_ms") == 300,
                      "2: %d %r" % (st, body[:200]))
            # Wall time also holds the queue and the sending, which a busy
            # or sanitizer build stretches; unbounded work (seconds per
            # query before the deadline was enforced) still fails here.
            check(took < 0.3 + 3.0, "2: answered in %.2f s: %s" %
                  (took, tgt[:60]))
        g.end("2. expensive queries, limit 300 ms")
        print("   slowest expensive answer %.0f ms" % (1e3 * worst))
    finally:
        d.stop()


# ---- 3. connection fairness ----

def t3_fairness(a, index):
    d = Daemon(a, index, "--max-connections", "256",
               "--max-connections-per-ip", "64")
    socks = []
    try:
        g = Good(d)

        def hold(src, n):
            for _ in range(n):
                s = socket.socket()
                s.bind((src, 0))
                s.settimeout(2)
                try:
                    s.connect(("127.0.0.1", d.port))
                    socks.append(s)
                except OSError:
                    s.close()

        def health(src):
            try:
                st, _ = get(d.port, "/healthz", source=src, timeout=3)
                return st
            except OSError:
                return 0

        for i in range(5):
            hold("127.0.3.%d" % (i + 1), 64)
        time.sleep(0.3)
        h1 = [health("127.0.4.%d" % k) for k in range(1, 5)]
        for i in range(40):
            hold("127.0.5.%d" % (i + 1), 50)
        time.sleep(0.3)
        h2 = [health("127.0.6.%d" % k) for k in range(1, 5)]
        served = [health("127.0.6.9") for _ in range(10)]
        n, bad, p99 = g.end("3. 5 then 45 addresses hold all places")
        print("   /healthz from new addresses: %s then %s; evicted %s, "
              "refused %s" % (h1, h2,
                              metric(d.port, "baogao_connections_evicted_total"),
                              metric(d.port, "baogao_connections_refused_total")))
        check(h1 == [200] * 4 and h2 == [200] * 4,
              "3: /healthz from a new address: %s %s" % (h1, h2))
        check(served.count(200) == 10, "3: a new address served: %s" % served)
        check(n >= 10, "3: the good client served (%d)" % n)
    finally:
        for s in socks:
            s.close()
        d.stop()


# ---- 4. memory ----

def t4_memory(a, index):
    d = Daemon(a, index, "--max-answer-mb", "48")
    try:
        big = q("/v1/search", q="改革", all="1")
        st, body = get(d.port, big, source="127.0.7.1", timeout=60)
        check(st == 200, "4: the large answer: %d" % st)
        size = len(body)
        base = rss_mb(d.pid)
        peaks = []
        afters = []
        for rnd in range(3):
            g = Good(d)
            socks = []
            for i in range(60):
                s = socket.socket()
                s.bind(("127.0.8.%d" % (i % 20 + 1), 0))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                try:
                    s.connect(("127.0.0.1", d.port))
                    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" %
                               big).encode())
                    socks.append(s)
                except OSError:
                    s.close()
            time.sleep(6)
            wide = get(d.port, q("/v1/kwic", q="的", width="1000"),
                       source="127.0.7.2", timeout=60)
            n, bad, p99 = g.end("4. round %d: 60 clients never read" %
                                (rnd + 1))
            for s in socks:
                s.close()
            time.sleep(2.5)
            peaks.append(g.peak)
            afters.append(rss_mb(d.pid))
            check(bad == 0, "4: good requests failed: %d" % bad)
        print("   answer %.1f MB x 60 unread; RSS baseline %d MB, peaks %s, "
              "after each round %s; waits %s, refused %s" %
              (size / 1e6, base, peaks, afters,
               metric(d.port, "baogao_answer_waits_total"),
               metric(d.port, "baogao_answer_refused_total")))
        check(wide[0] == 400 and b"answer_too_large" in wide[1],
              "4: kwic width=1000 of 的: %d %r" % (wide[0], wide[1][:100]))
        # AddressSanitizer keeps freed memory in quarantine and ignores
        # malloc_trim: RSS is not the daemon's there.
        with open("/proc/%d/maps" % d.pid) as f:
            if "libasan" in f.read():
                print("   (sanitizer build: RSS not checked)")
                return
        check(max(peaks) < base + 48 + 160,
              "4: peak RSS %d MB within the budget" % max(peaks))
        check(max(afters) < base + 40,
              "4: RSS back near %d MB after: %s" % (base, afters))
        check(afters[-1] <= afters[0] + 10, "4: no growth across rounds")
    finally:
        d.stop()


# ---- 5. SIGTERM ----

def t5_shutdown(a, index):
    d = Daemon(a, index)
    tgt = q("/v1/search", q="发展", all="1")
    s = socket.create_connection(("127.0.0.1", d.port))
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % tgt).encode())
    got = s.recv(65536)
    t0 = time.monotonic()
    d.p.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    try:
        c = socket.create_connection(("127.0.0.1", d.port), timeout=1)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        c.settimeout(1)
        new = "answered %r" % c.recv(20)
    except OSError as e:
        new = "refused (%s)" % e.__class__.__name__
    check(new.startswith("refused"), "5: a new client after SIGTERM: " + new)
    s.settimeout(15)
    while True:
        try:
            b = s.recv(1 << 20)
        except OSError:
            break
        if not b:
            break
        got += b
        time.sleep(0.002)
    hdr, _, body = got.partition(b"\r\n\r\n")
    m = re.search(rb"Content-Length: (\d+)", hdr)
    want = int(m.group(1)) if m else -1
    rc = d.p.wait(20)
    print("5. SIGTERM: new client %s after 0.2 s; in-flight answer %d of %d "
          "bytes; exit %d after %.1f s" % (new, len(body), want, rc,
                                            time.monotonic() - t0))
    check(len(body) == want, "5: the answer in flight finished")
    check(rc == 0, "5: exit status %d" % rc)
    d.stop()
    # A second SIGTERM ends the grace period at once.
    d = Daemon(a, index, "--grace-ms", "20000")
    s = socket.create_connection(("127.0.0.1", d.port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % tgt).encode())
    s.recv(100)
    t0 = time.monotonic()
    d.p.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    d.p.send_signal(signal.SIGTERM)
    rc = d.p.wait(20)
    took = time.monotonic() - t0
    print("   second SIGTERM: exit %d after %.2f s" % (rc, took))
    check(took < 2, "5: a second SIGTERM exits at once (%.1f s)" % took)
    s.close()
    d.stop()


# ---- 6. framing ----

def t6_framing(a, index):
    d = Daemon(a, index)
    try:
        H = b"Host: 127.0.0.1\r\n"
        nxt = b"GET /healthz HTTP/1.1\r\n" + H + b"\r\n"
        cases = [
            ("Content-Length: 0 then 5",
             b"Content-Length: 0\r\nContent-Length: 5\r\n"),
            ("Content-Length: 5 then 0",
             b"Content-Length: 5\r\nContent-Length: 0\r\n"),
            ("Content-Length: 0 twice",
             b"Content-Length: 0\r\nContent-Length: 0\r\n"),
            ("Content-Length: 0 and chunked",
             b"Content-Length: 0\r\nTransfer-Encoding: chunked\r\n"),
            ("chunked", b"Transfer-Encoding: chunked\r\n"),
            ("Content-Length: 5", b"Content-Length: 5\r\n"),
        ]
        for name, hdrs in cases:
            s = socket.create_connection(("127.0.0.1", d.port))
            s.settimeout(2)
            s.sendall(b"GET /v1/stats HTTP/1.1\r\n" + H + hdrs + b"\r\n" +
                      b"0\r\n\r\n" + nxt)
            out = b""
            closed = False
            try:
                while True:
                    b = s.recv(65536)
                    if not b:
                        closed = True
                        break
                    out += b
            except socket.timeout:
                pass
            s.close()
            n = out.count(b"HTTP/1.1 ")
            ok = out.startswith(b"HTTP/1.1 400") and n == 1 and closed
            print("6. %-30s %s, %d answer(s), %s" %
                  (name, out[:12].decode(), n,
                   "closed" if closed else "left open"))
            check(ok, "6: %s: %r" % (name, out[:200]))
        st, _ = get(d.port, "/healthz")
        check(st == 200, "6: still serving")
    finally:
        d.stop()


# ---- 7. file names ----

def t7_names(a, index):
    tmp = tempfile.mkdtemp(prefix="baogao-names-")
    try:
        src = os.path.join(tmp, "src").encode()
        os.mkdir(src)
        esc = os.path.join(src, b"2024_\xe6\xb5\x8b\x1b[31m\r\xe5\xb8\x82.txt")
        bad = os.path.join(src, b"2024_bad\xff\xfe.txt")
        lf = os.path.join(src, b"2024_two\nlines.txt")
        for p in (esc, bad, lf):
            with open(p, "w") as f:
                f.write("测试段落。\n")
        ix = os.path.join(tmp, "ix")
        r = subprocess.run([a.indexer, "--index", ix, "-v", src],
                           capture_output=True)
        out = r.stderr
        print("7. baogao-index -v: %r" % out[:300])
        check(b"\x1b" not in out and b"\r" not in out,
              "7: control bytes reach the terminal: %r" % out)
        check(b"\\x1b[31m\\x0d" in out, "7: the name escaped: %r" % out)
        check(b"not valid UTF-8" in out and b"out of memory" not in out,
              "7: an invalid UTF-8 name said so: %r" % out)
        check(b"2024_two\\x0alines.txt: the file name holds a line break"
              in out and b"two\nlines" not in out,
              "7: a name with a line break refused, shown escaped: %r" % out)
        cli = os.path.join(os.path.dirname(a.indexer), "baogao")
        if os.path.exists(cli):
            r = subprocess.run([cli, "--index", ix, "reports"],
                               capture_output=True)
            check(r.returncode == 0 and b"\x1b" not in r.stdout and
                  b"\\x1b" in r.stdout, "7: baogao reports: %r" %
                  r.stdout[:300])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- 8. minor ----

def t8_minor(a, index, src):
    d = Daemon(a, index)
    try:
        for tgt in ("/v1/stats", "/v1/reports"):
            st, body = get(d.port, tgt)
            check(st == 200, "8: %s: %d" % (tgt, st))
            check(index.encode() not in body and src.encode() not in body,
                  "8: %s shows a server path" % tgt)
        st, body = get(d.port, "/healthz")
        rev0 = json.loads(body)["revision"]
        # A new report and a compaction must not take the revision back.
        with open(os.path.join(src, "2099_测试市.txt"), "w") as f:
            f.write("测试段落。\n")
        r = subprocess.run([a.indexer, "--index", index, "--compact", src],
                           capture_output=True)
        check(r.returncode == 0, "8: reindex: %s" % r.stderr[-300:])
        revs = []
        for _ in range(30):
            st, body = get(d.port, "/healthz")
            if st == 200:
                revs.append(json.loads(body)["revision"])
            time.sleep(0.1)
        print("8. /healthz revision %d, after a run with --compact %s" %
              (rev0, sorted(set(revs))))
        check(revs and min(revs) >= rev0 and revs[-1] > rev0,
              "8: revision went from %d to %s" % (rev0, revs))
    finally:
        d.stop()


# ---- 9. first come, first served within one address ----

def t9_order(a, index):
    """Six requests of one address, sent 20 ms apart while one worker is
    theirs: they must finish in the order they were sent (the queue once
    served a busy address last in, first out, so its oldest request waited
    until its time limit)."""
    d = Daemon(a, index, "--threads", "2", "--cache-mb", "0",
               "--timeout-ms", "60000")
    n = 6
    path = q("/v1/count", q=" OR ".join(["的", "了", "是"] * 20),
             by="report")
    req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           "\r\n" % path).encode()
    done, status = [None] * n, [None] * n
    try:
        socks = []
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.8", 0))
            s.settimeout(120)
            s.connect(("127.0.0.1", d.port))
            socks.append(s)

        def read(i):
            buf = b""
            try:
                while True:
                    b = socks[i].recv(65536)
                    if not b:
                        break
                    buf += b
            except OSError:
                pass
            done[i] = time.monotonic()
            m = re.match(rb"HTTP/1\.1 (\d+)", buf)
            status[i] = int(m.group(1)) if m else 0

        readers = [threading.Thread(target=read, args=(i,)) for i in range(n)]
        for t in readers:
            t.start()
        for s in socks:
            s.sendall(req)
            time.sleep(0.02)
        for t in readers:
            t.join(300)
        for s in socks:
            s.close()
        order = sorted(range(n), key=lambda i: done[i] or float("inf"))
        print("9. one address, %d requests queued: finished in the order "
              "%s, status %s" % (n, order, status), flush=True)
        check(status == [200] * n, "9: every answer 200: %s" % status)
        check(order == list(range(n)),
              "9: served in the order sent: %s" % order)
    finally:
        d.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--shared-corpus")
    ap.add_argument("--only", help="comma-separated test numbers")
    a = ap.parse_args()
    raise_nofile()
    tmp = tempfile.mkdtemp(prefix="baogao-hostile-")
    try:
        src = os.path.join(tmp, "reports")
        os.mkdir(src)
        files = [os.path.join(a.corpus, n) for n in os.listdir(a.corpus)
                 if n.endswith(".txt")]
        if a.shared_corpus and os.path.isdir(a.shared_corpus):
            files += [os.path.join(a.shared_corpus, n)
                      for n in os.listdir(a.shared_corpus)
                      if n.endswith(".txt")]
        if len(files) < 50:
            print("the shared corpus is needed for loads worth the name: "
                  "skipped")
            return 77
        for p in files:
            os.symlink(os.path.abspath(p),
                       os.path.join(src, os.path.basename(p)))
        index = os.path.join(tmp, "index")
        r = subprocess.run([a.indexer, "--index", index, src],
                           capture_output=True)
        if r.returncode != 0:
            print("indexer failed: " + r.stderr.decode())
            return 1
        tests = {"1": t1_cancel, "2": t2_deadline, "3": t3_fairness,
                 "4": t4_memory, "5": t5_shutdown, "6": t6_framing,
                 "7": t7_names,
                 "8": lambda a, i: t8_minor(a, i, src), "9": t9_order}
        only = a.only.split(",") if a.only else sorted(tests)
        t0 = time.monotonic()
        for k in only:
            tests[k](a, index)
        print("%.0f s; %d checks failed" % (time.monotonic() - t0,
                                             len(FAILS)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
