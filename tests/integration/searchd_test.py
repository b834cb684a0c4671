#!/usr/bin/env python3
"""searchd_test.py - baogao-searchd driven over HTTP on a temporary index.

Builds an index of corpus/ (plus the top-level reports of the shared corpus
when it is there), starts the daemon on 127.0.0.1 with an ephemeral port
(read from its "listening on http://..." line) and checks:

  - /v1/search answers byte for byte what `baogao --json search` prints
    (apart from took_ms) for fixed and random queries with limit, offset,
    all and sort variants, malformed queries included; /v1/reports and
    /v1/stats as `baogao --json reports` / `stats`;
  - every bad request (missing, empty, over-long queries, invalid UTF-8
    raw and percent-encoded, NUL bytes, bad escapes, bad limit / offset /
    sort / all, unknown and repeated parameters, unknown routes and
    methods) gets its 4xx status and {"error": {"code", "message"}}, and
    the daemon stays healthy;
  - HEAD, gzip (with q-values), keep-alive (hundreds of requests on one
    connection), concurrent clients, the connection limit;
  - a report indexed while the daemon serves is found within a second;
  - the search time limit, all=1's hit limit, a missing index (503);
  - SIGHUP, /metrics (parsed, counts requests), the log lines, --quiet;
  - SIGTERM stops it within 3 s with exit status 0 (and, in a sanitizer
    build, without a leak report).

    searchd_test.py --searchd BIN --indexer BIN --baogao BIN --corpus DIR
                    [--shared-corpus DIR] [--reports N] [--seed N]

Python 3 standard library only.  Exit status 0 when every check passes,
1 otherwise (each failure described).
"""
import argparse
import concurrent.futures
import gzip
import json
import os
import random
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

FAILS = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what, flush=True)
    return cond


# ---- a small HTTP/1.1 client over raw sockets (sends any bytes) ----

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Conn:
    def __init__(self, port, timeout=60):
        self.sock = socket.create_connection(("127.0.0.1", port),
                                             timeout=timeout)
        self.buf = b""
        self.closed = False

    def _read_more(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed by the server")
        self.buf += data

    def request(self, target, method="GET", headers=None, body=b""):
        if isinstance(target, str):
            target = target.encode("utf-8")
        lines = [method.encode() + b" " + target + b" HTTP/1.1",
                 b"Host: 127.0.0.1"]
        for k, v in (headers or {}).items():
            lines.append(k.encode() + b": " + v.encode())
        if body:
            lines.append(b"Content-Length: %d" % len(body))
        self.sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        while b"\r\n\r\n" not in self.buf:
            self._read_more()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        hl = head.decode("latin-1").split("\r\n")
        status = int(hl[0].split(" ")[1])
        hdrs = {}
        for line in hl[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        n = 0 if method == "HEAD" else int(hdrs.get("content-length", "0"))
        while len(self.buf) < n:
            self._read_more()
        body, self.buf = self.buf[:n], self.buf[n:]
        if hdrs.get("connection", "").lower() == "close":
            self.closed = True
        return Response(status, hdrs, body)

    def close(self):
        self.sock.close()


def get(port, target, method="GET", headers=None, body=b""):
    c = Conn(port)
    try:
        return c.request(target, method, headers, body)
    finally:
        c.close()


def qs(**params):
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def norm(body):
    """The body with took_ms set to 0."""
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return re.sub(r'"took_ms": [-0-9.eE+]+', '"took_ms": 0', body, count=1)


# ---- the daemon ----

class Daemon:
    def __init__(self, binary, index, tmp, name, *extra):
        self.err_path = os.path.join(tmp, name + ".stderr")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(
            [binary, "--index", index, "--listen", "127.0.0.1:0"] +
            list(extra), stdout=subprocess.PIPE, stderr=self.err)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"listening on http://127\.0\.0\.1:(\d+)$", line.strip())
        if not m:
            self.proc.kill()
            raise RuntimeError("%s: no 'listening on' line, got %r (stderr "
                               "in %s)" % (name, line, self.err_path))
        self.port = int(m.group(1))

    def stderr(self):
        if not self.err.closed:
            self.err.flush()
        with open(self.err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def healthy(self):
        try:
            return get(self.port, "/healthz").status == 200
        except OSError:
            return False

    def stop(self, sig=signal.SIGTERM, limit=3.0):
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        took = time.monotonic() - t0
        self.err.close()
        return rc, took


# ---- queries ----

FIXED = [
    "高质量发展", "发展", "经济", "的", "新质生产力", "稳中求进 OR 稳中有进",
    "发展 -经济", "发展 NOT 经济", "(改革 OR 开放) 创新", '"made in china"',
    "GDP", "ＧＤＰ", "5G", "19.4%", "PM2.5", "year:2023", "year:2018..2023 发展",
    "year:..1990 人民", "year:2020.. 疫情", "region:广东省 制造业",
    "report:2023_济南市钢城区", "report:2023_济南市钢城区 招商引资",
    "招商引资", "一带一路", "乡村振兴", "共同富裕", "碳达峰 碳中和",
    "“十四五”", "政 府 工 作", "发展，经济", "14亿", "4亿", "人民 -人民",
    "不存在的短语甲乙丙", "region:不存在", "year:1800..1801", "国务院",
    "经济 OR 政治 OR 文化 OR 社会 OR 生态", "-发展 经济",
    # malformed: the CLI and the daemon give the same error object
    '"unbalanced', "(a", "a)", "OR", "发展 OR", "，", "year:2023..2018",
    "()", "(" * 70 + "发展" + ")" * 70, "year:abc",
]

OPTION_SETS = [
    {}, {"limit": 3}, {"limit": 0}, {"offset": 5, "limit": 5},
    {"offset": 100000}, {"sort": "year"}, {"sort": "-year", "limit": 7},
    {"sort": "relevance", "offset": 2}, {"all": 1},
    {"all": 1, "sort": "-year", "offset": 3}, {"limit": 1000},
]


def random_queries(files, rng, n):
    paras = []
    for p in files:
        with open(p, encoding="utf-8", errors="replace") as f:
            paras.extend(line.strip() for line in f if line.strip())
    out = []
    while len(out) < n and paras:
        t = rng.choice(paras)
        k = rng.randint(2, 8)
        if len(t) <= k:
            continue
        i = rng.randrange(0, len(t) - k)
        s = t[i:i + k].strip()
        if not s or '"' in s or s.startswith("-"):
            continue
        r = rng.random()
        if r < 0.15:
            s2 = rng.choice(paras)[:3].strip()
            if s2 and '"' not in s2 and not s2.startswith("-"):
                s = s + " OR " + s2
        elif r < 0.25:
            s = s + " -" + rng.choice("的了和是在")
        out.append(s)
    return out


def cli_args(q, opts):
    args = []
    if opts.get("all"):
        args.append("--all")
    for k in ("limit", "offset", "sort"):
        if k in opts:
            args += ["--" + k, str(opts[k])]
    return args + ["--", q]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--baogao", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--shared-corpus")
    ap.add_argument("--reports", type=int,
                    default=int(os.environ.get("BAOGAO_SEARCHD_REPORTS",
                                               "0")),
                    help="index at most N shared reports (0: all)")
    ap.add_argument("--random-queries", type=int, default=60)
    ap.add_argument("--seed", type=int,
                    default=int(os.environ.get("BAOGAO_SEED",
                                               str(int(time.time()) % 100000))))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    print("seed %d (BAOGAO_SEED=%d replays this run)" % (a.seed, a.seed))
    t_start = time.monotonic()

    tmp = tempfile.mkdtemp(prefix="baogao-searchd-test.")
    daemons = []
    try:
        run(a, rng, tmp, daemons)
    finally:
        for d in daemons:
            if d.proc.poll() is None:
                d.proc.kill()
                d.proc.wait()
        if not os.environ.get("BAOGAO_KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept " + tmp)
    print("%d checks, %d failed, %.1f s" %
          (CHECKS[0], len(FAILS), time.monotonic() - t_start))
    return 1 if FAILS else 0


def run(a, rng, tmp, daemons):
    # -- the index --
    src = os.path.join(tmp, "reports")
    os.mkdir(src)
    files = []
    for n in sorted(os.listdir(a.corpus)):
        if n.endswith(".txt"):
            files.append(os.path.join(a.corpus, n))
    if a.shared_corpus and os.path.isdir(a.shared_corpus):
        shared = sorted(os.path.join(a.shared_corpus, n)
                        for n in os.listdir(a.shared_corpus)
                        if n.endswith(".txt"))
        if a.reports and len(shared) > a.reports:
            shared = sorted(rng.sample(shared, a.reports))
        files += shared
    else:
        print("no shared corpus: testing %s only" % a.corpus)
    for p in files:
        os.symlink(os.path.abspath(p), os.path.join(src, os.path.basename(p)))
    index = os.path.join(tmp, "index")
    t0 = time.monotonic()
    r = subprocess.run([a.indexer, "--index", index, src],
                       capture_output=True)
    if r.returncode != 0:
        raise RuntimeError("baogao-index failed: %s" % r.stderr.decode())
    print("indexed %d reports in %.1f s" % (len(files), time.monotonic() - t0))

    def cli(*args):
        p = subprocess.run([a.baogao, "--index", index, "--json"] +
                           list(args), capture_output=True)
        return p.returncode, p.stdout

    # Answers compared with the CLI's: paths shown as it shows them, and
    # time enough for all=1 on a loaded machine (the limits have
    # hostile_test.py).
    d = Daemon(a.searchd, index, tmp, "main", "--threads", "4",
               "--show-paths", "--timeout-ms", "60000")
    daemons.append(d)
    port = d.port
    check(d.healthy(), "healthz 200 after start")

    # -- the same answers as the CLI --
    t0 = time.monotonic()
    cases = []
    for q in FIXED:
        cases.append((q, rng.choice(OPTION_SETS[:8])))
    for q in FIXED[:12]:
        for o in OPTION_SETS:
            cases.append((q, o))
    for q in random_queries(files, rng, a.random_queries):
        cases.append((q, rng.choice(OPTION_SETS)))
    expected = {}

    def compare(case):
        q, o = case
        target = "/v1/search?" + qs(q=q, **o)
        rc, out = cli("search", *cli_args(q, o))
        resp = get(port, target)
        return q, o, target, rc, out, resp

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        for q, o, target, rc, out, resp in ex.map(compare, cases):
            want = 200 if rc == 0 else 400
            what = "search %r %r" % (q, o)
            check(resp.status == want,
                  "%s: status %d, CLI exit %d" % (what, resp.status, rc))
            check(resp.headers.get("content-type") == "application/json",
                  what + ": content-type")
            check(norm(resp.body) == norm(out),
                  "%s: HTTP and CLI differ:\n  HTTP %s\n  CLI  %s" %
                  (what, resp.body[:300], out[:300]))
            if resp.status == 200:
                expected[target] = norm(resp.body)
    print("%d searches compared with the CLI in %.1f s" %
          (len(cases), time.monotonic() - t0))

    for name in ("reports", "stats"):
        rc, out = cli(name)
        resp = get(port, "/v1/" + name)
        check(resp.status == 200 and rc == 0, name + ": status")
        check(resp.body == out, "/v1/%s differs from baogao --json %s" %
              (name, name))
    nreports = json.loads(get(port, "/v1/stats").body)["reports"]

    views(a, rng, port, index, cli)

    # -- HEAD --
    body = get(port, "/v1/reports").body
    h = get(port, "/v1/reports", method="HEAD")
    check(h.status == 200 and h.body == b"" and
          int(h.headers.get("content-length", -1)) == len(body),
          "HEAD: 200, no body, the GET's Content-Length")
    h = get(port, "/v1/search?" + qs(q="发展"), method="HEAD")
    check(h.status == 200 and int(h.headers.get("content-length", 0)) > 100,
          "HEAD of a search: 200 with its Content-Length")
    h = get(port, "/v1/search?q=%FF", method="HEAD")
    check(h.status == 400 and h.body == b"", "HEAD of a bad request: 400")
    h = get(port, "/nope", method="HEAD")
    check(h.status == 404, "HEAD of an unknown route: 404")

    bad_requests(d, a)

    # -- gzip --
    plain = get(port, "/v1/search?" + qs(q="发展", limit=20))
    check(plain.headers.get("content-encoding") is None,
          "no gzip without Accept-Encoding")
    check("accept-encoding" in plain.headers.get("vary", "").lower(),
          "Vary: Accept-Encoding")
    for ae, want in [("gzip", True), ("deflate, gzip", True),
                     ("gzip;q=0", False), ("gzip; q=0.000", False),
                     ("GZIP;Q=0.5", True), ("*", True), ("*;q=0", False),
                     ("identity", False), ("br, x-gzip", True),
                     ("gzip;q=0, *", False), ("gzip;q=2", False),
                     ("deflate;q=0.5, gzip;q=0.001", True)]:
        r = get(port, "/v1/search?" + qs(q="发展", limit=20),
                headers={"Accept-Encoding": ae})
        got = r.headers.get("content-encoding") == "gzip"
        check(got == want, "Accept-Encoding %r: gzip %s" % (ae, got))
        if got:
            check(norm(gzip.decompress(r.body)) == norm(plain.body),
                  "gzip body decompresses to the plain body")
            check(int(r.headers["content-length"]) == len(r.body) and
                  len(r.body) < len(plain.body), "gzip body is smaller")
    r = get(port, "/healthz", headers={"Accept-Encoding": "gzip"})
    check(r.headers.get("content-encoding") is None,
          "small answers are not compressed")
    r = get(port, "/v1/search?" + qs(q="发展", limit=20), method="HEAD",
            headers={"Accept-Encoding": "gzip"})
    check(r.status == 200 and r.headers.get("content-encoding") == "gzip",
          "HEAD with gzip")

    # -- keep-alive: many requests on one connection --
    targets = [t for t, b in expected.items() if len(b) < 200000]
    c = Conn(port)
    n_ok = 0
    try:
        for i in range(400):
            t = targets[i % len(targets)]
            if i % 7 == 3:
                r = c.request("/v1/search?q=%FF")
                n_ok += r.status == 400
            else:
                r = c.request(t)
                n_ok += r.status == 200 and norm(r.body) == expected[t]
            if c.closed:
                break
    except OSError as e:
        check(False, "keep-alive connection broke: %s" % e)
    c.close()
    check(n_ok == 400, "keep-alive: 400 requests on one connection, %d ok"
          % n_ok)

    # -- concurrent clients --
    def client(k):
        bad = 0
        local = random.Random(k)
        conn = Conn(port)
        try:
            for i in range(60):
                x = local.random()
                if x < 0.15:
                    r = conn.request("/v1/search?q=%00")
                    bad += r.status != 400
                elif x < 0.2:
                    r = conn.request("/nope")
                    bad += r.status != 404
                elif x < 0.25:
                    r = conn.request("/healthz")
                    bad += r.status != 200
                else:
                    t = local.choice(targets)
                    ae = {"Accept-Encoding": "gzip"} if x < 0.5 else None
                    r = conn.request(t, headers=ae)
                    b = r.body
                    if r.headers.get("content-encoding") == "gzip":
                        b = gzip.decompress(b)
                    bad += r.status != 200 or norm(b) != expected[t]
                if conn.closed:
                    conn.close()
                    conn = Conn(port)
        finally:
            conn.close()
        return bad

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(16) as ex:
        bad = sum(ex.map(client, range(16)))
    check(bad == 0, "concurrent clients: %d wrong answers of 960" % bad)
    print("16 clients x 60 requests in %.1f s" % (time.monotonic() - t0))

    # -- the answer cache --
    cache(a, d, index, tmp, daemons)

    # -- a report indexed while serving --
    live(a, d, index, tmp)

    # -- SIGHUP --
    d.proc.send_signal(signal.SIGHUP)
    time.sleep(0.2)
    r = get(port, "/v1/search?" + qs(q="高质量发展"))
    check(r.status == 200, "search after SIGHUP")
    check(d.healthy(), "healthy after SIGHUP")

    # -- metrics --
    metrics(d, nreports + 1)

    # -- log lines --
    log = d.stderr()
    lines = [l for l in log.splitlines()
             if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (GET|HEAD|"
                         r"POST|DELETE|PUT|OPTIONS|BREW)\s", l)]
    check(len(lines) > 1000, "one log line per request (%d)" % len(lines))
    check(any(re.search(r" GET /v1/search\?q=\S+ 200 [0-9.]+ ms$", l)
              for l in lines), "log line: time method path status ms")
    check("SIGHUP" in log, "SIGHUP is logged")

    # -- SIGTERM with an idle keep-alive connection and a request going --
    idle = Conn(port)
    idle.request("/healthz")
    busy = Conn(port)
    busy.sock.sendall(b"GET /v1/search?q=%E5%8F%91%E5%B1%95&limit=1000 "
                      b"HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    time.sleep(0.05)
    rc, took = d.stop()
    check(rc == 0, "exit status 0 after SIGTERM (got %d)" % rc)
    check(took < 3.0, "SIGTERM stops within 3 s (%.2f s)" % took)
    try:
        busy.sock.settimeout(5)
        while b"\r\n\r\n" not in busy.buf:
            busy._read_more()
        check(busy.buf.startswith(b"HTTP/1.1 200"),
              "the request in flight at SIGTERM is answered")
    except OSError as e:
        check(False, "request in flight at SIGTERM: %s" % e)
    idle.close()
    busy.close()
    log = d.stderr()
    check("AddressSanitizer" not in log and "LeakSanitizer" not in log and
          "runtime error" not in log, "no sanitizer report:\n" + log[-3000:])

    others(a, index, tmp, daemons, nreports)


VIEW_QUERIES = ["高质量发展", "新质生产力", "稳中求进", "发展", "GDP",
                "5G OR 人工智能", "\"生态 文明\"", "营商环境 -优化",
                "year:2020..2024 乡村振兴", "甲乙丙丁戊己庚"]


def views(a, rng, port, index, cli):
    """/v1/count, /v1/kwic, /v1/similar and /v1/compare give the JSON of
    baogao --json count/kwic/similar/compare, and baogao --server prints
    what the local CLI prints."""
    t0 = time.monotonic()
    reports = json.loads(get(port, "/v1/reports").body)["reports"]
    cases = []  # (target, CLI args)
    for q in VIEW_QUERIES:
        by = rng.choice(["year", "region", "report"])
        cases.append(("/v1/count?" + qs(q=q, by=by),
                      ["count", "--by", by, "--", q]))
        cases.append(("/v1/count?" + qs(q=q), ["count", "--", q]))
        w = rng.choice([0, 5, 12, 30])
        so = rng.choice(["year", "left", "right"])
        cases.append(("/v1/kwic?" + qs(q=q, width=w, sort=so),
                      ["kwic", "--width", str(w), "--sort", so, "--", q]))
    for _ in range(8):
        r = rng.choice(reports)
        src = "%s#%d" % (r["id"], rng.randint(1, r["paragraphs"]))
        lim = rng.choice([1, 5, 10])
        cases.append(("/v1/similar?" + qs(para=src, limit=lim),
                      ["similar", src, "--limit", str(lim)]))
        filt = "year:%d..%d" % (r["year"] - 3, r["year"] + 3)
        cases.append(("/v1/similar?" + qs(para=src, limit=lim, filter=filt),
                      ["similar", src, "--limit", str(lim), filt]))
    text = "坚持稳中求进工作总基调，推动高质量发展"
    cases.append(("/v1/similar?" + qs(text=text, limit=5, reports=10),
                  ["similar", "--text", text, "--limit", "5",
                   "--reports", "10"]))
    by_region = {}
    for r in reports:
        by_region.setdefault(r["region"], []).append(r["id"])
    pairs = [sorted(v)[-2:] for v in by_region.values() if len(v) >= 2]
    rng.shuffle(pairs)
    for x, y in pairs[:3] or [(reports[0]["id"], reports[-1]["id"])]:
        cases.append(("/v1/compare?" + qs(a=x, b=y), ["compare", x, y]))
        cases.append(("/v1/compare?" + qs(a=x, b=y, threshold="0.5",
                                          min_count=3, phrases=5),
                      ["compare", x, y, "--threshold", "0.5",
                       "--min-count", "3", "--phrases", "5"]))
    # Errors from the core: the same code as the CLI's --json.
    cases.append(("/v1/compare?" + qs(a="nope", b=reports[0]["id"]),
                  ["compare", "nope", reports[0]["id"]]))
    cases.append(("/v1/similar?" + qs(para=reports[0]["id"] + "#100000"),
                  ["similar", reports[0]["id"] + "#100000"]))
    cases.append(("/v1/count?" + qs(q="(发展"), ["count", "(发展"]))
    for target, args in cases:
        rc, out = cli(*args)
        r = get(port, target)
        what = "%s (baogao %s)" % (target[:100], " ".join(args)[:80])
        check((r.status == 200) == (rc == 0),
              "%s: status %d, CLI exit %d" % (what, r.status, rc))
        if r.status == 200:
            check(norm(r.body) == norm(out),
                  "%s: HTTP and CLI differ:\n  HTTP %s\n  CLI  %s" %
                  (what, r.body[:300], out[:300]))
        else:
            try:
                code = r.json()["error"]["code"]
                check(code == json.loads(out)["error"]["code"],
                      "%s: error code %s as the CLI's" % (what, code))
            except (ValueError, KeyError, TypeError) as ex:
                check(False, "%s: error objects (%s): %r %r" %
                      (what, ex, r.body[:200], out[:200]))
    # The CLI as a client prints, human or JSON, what it prints locally.
    server = "http://127.0.0.1:%d" % port
    runs = [["count", "高质量发展"], ["count", "--by", "region", "发展"],
            ["kwic", "--width", "8", "新质生产力"], ["kwic", "--tsv", "稳中求进"],
            ["similar", "%s#%d" % (reports[0]["id"], reports[0]["paragraphs"]),
             "--limit", "3"]]
    if pairs:
        runs.append(["compare"] + list(pairs[0]))
    for args in runs:
        for js in ([], ["--json"]):
            loc = subprocess.run([a.baogao, "--index", index] + js + args,
                                 capture_output=True)
            rem = subprocess.run([a.baogao, "--server", server] + js + args,
                                 capture_output=True)
            what = "baogao --server %s" % " ".join(js + args)
            check(loc.returncode == rem.returncode, what + ": exit status")
            check(norm_took(loc.stdout) == norm_took(rem.stdout),
                  "%s: output differs from the local CLI's:\n  %r\n  %r" %
                  (what, rem.stdout[:300], loc.stdout[:300]))
    print("%d view requests compared with the CLI in %.1f s" %
          (len(cases), time.monotonic() - t0))


def norm_took(out):
    """CLI output with its timings (JSON took_ms, the footer's 'N ms')
    blanked."""
    out = norm(out)
    return re.sub(r"[0-9.]+ ms", "_ ms", out)


def bad_requests(d, a):
    port = d.port
    long_q = "发" * 1366  # 4098 bytes
    cases = [
        ("/v1/search", 400, "missing_query"),
        ("/v1/search?limit=5", 400, "missing_query"),
        ("/v1/search?q=", 400, "empty_query"),
        ("/v1/search?q=+%20%E3%80%80%09", 400, "empty_query"),
        ("/v1/search?q=%FF", 400, "bad_utf8"),
        ("/v1/search?q=%E5%8F", 400, "bad_utf8"),
        ("/v1/search?q=%C0%AF", 400, "bad_utf8"),
        ("/v1/search?q=%ED%A0%80", 400, "bad_utf8"),
        (b"/v1/search?q=\xff\xfe", 400, "bad_utf8"),
        (b"/v1/search?q=\xe5\x8f", 400, "bad_utf8"),
        ("/v1/search?q=%00", 400, "nul_byte"),
        ("/v1/search?q=%E5%8F%91%00%E5%B1%95", 400, "nul_byte"),
        ("/v1/search?q=a&sort=%00year", 400, "nul_byte"),
        ("/v1/search?q%00=a", 400, "nul_byte"),
        ("/v1/search?q=%zz", 400, "bad_escape"),
        ("/v1/search?q=%4", 400, "bad_escape"),
        ("/v1/search?q=a%", 400, "bad_escape"),
        ("/v1/search?" + qs(q='"unclosed'), 400, "bad_query"),
        ("/v1/search?" + qs(q="(发展"), 400, "bad_query"),
        ("/v1/search?" + qs(q="\u200b"), 400, "bad_query"),
        ("/v1/search?" + qs(q="发展 -"), 400, "bad_query"),
        ("/v1/search?" + qs(q="year:2023..2018"), 400, "bad_query"),
        ("/v1/search?" + qs(q="(" * 100 + "a" + ")" * 100), 400,
         "bad_query"),
        ("/v1/search?" + qs(q=long_q), 414, "query_too_long"),
        ("/v1/search?" + qs(q="a" * 4097), 414, "query_too_long"),
        ("/v1/search?q=a&limit=-1", 400, "bad_limit"),
        ("/v1/search?q=a&limit=abc", 400, "bad_limit"),
        ("/v1/search?q=a&limit=1001", 400, "bad_limit"),
        ("/v1/search?q=a&limit=", 400, "bad_limit"),
        ("/v1/search?q=a&limit", 400, "bad_limit"),
        ("/v1/search?q=a&limit=1.5", 400, "bad_limit"),
        ("/v1/search?q=a&limit=1e3", 400, "bad_limit"),
        ("/v1/search?q=a&limit=+5", 400, "bad_limit"),
        ("/v1/search?q=a&limit=99999999999999999999999", 400, "bad_limit"),
        ("/v1/search?q=a&offset=-5", 400, "bad_offset"),
        ("/v1/search?q=a&offset=x", 400, "bad_offset"),
        ("/v1/search?q=a&offset=100000001", 400, "bad_offset"),
        ("/v1/search?q=a&sort=date", 400, "bad_sort"),
        ("/v1/search?q=a&sort=", 400, "bad_sort"),
        ("/v1/search?q=a&sort=+year", 400, "bad_sort"),
        ("/v1/search?q=a&all=maybe", 400, "bad_all"),
        ("/v1/search?q=a&limt=5", 400, "unknown_parameter"),
        ("/v1/search?q=a&Q=b", 400, "unknown_parameter"),
        ("/v1/search?q=a&q=b", 400, "duplicate_parameter"),
        ("/v1/reports?x=1", 400, "unknown_parameter"),
        ("/v1/stats?verbose", 400, "unknown_parameter"),
        ("/v1/count", 400, "missing_query"),
        ("/v1/count?q=", 400, "empty_query"),
        ("/v1/count?q=a&by=decade", 400, "bad_by"),
        ("/v1/count?q=a&by=year&by=region", 400, "duplicate_parameter"),
        ("/v1/count?q=a&limit=5", 400, "unknown_parameter"),
        ("/v1/count?q=%FF", 400, "bad_utf8"),
        ("/v1/count?" + qs(q=long_q), 414, "query_too_long"),
        ("/v1/count?" + qs(q="(发展"), 400, "bad_query"),
        ("/v1/kwic?width=5", 400, "missing_query"),
        ("/v1/kwic?q=a&width=-1", 400, "bad_width"),
        ("/v1/kwic?q=a&width=1001", 400, "bad_width"),
        ("/v1/kwic?q=a&sort=relevance", 400, "bad_sort"),
        ("/v1/kwic?q=a%00", 400, "nul_byte"),
        ("/v1/similar", 400, "missing_source"),
        ("/v1/similar?limit=3", 400, "missing_source"),
        ("/v1/similar?para=x%231&text=abc", 400, "two_sources"),
        ("/v1/similar?para=x", 400, "bad_para"),
        ("/v1/similar?para=x%230", 400, "bad_para"),
        ("/v1/similar?para=%231", 400, "bad_para"),
        ("/v1/similar?text=", 400, "empty_query"),
        ("/v1/similar?text=a", 400, "bad_source"),
        ("/v1/similar?text=abc&limit=1001", 400, "bad_limit"),
        ("/v1/similar?text=abc&reports=0", 400, "bad_reports"),
        ("/v1/similar?" + qs(text="发展经济", filter="发展"), 400,
         "bad_query"),
        ("/v1/similar?" + qs(text=long_q), 414, "query_too_long"),
        ("/v1/similar?para=x%231", 404, "not_found"),
        ("/v1/compare", 400, "missing_report"),
        ("/v1/compare?a=x", 400, "missing_report"),
        ("/v1/compare?a=x&b=+", 400, "missing_report"),
        ("/v1/compare?a=x&b=y&threshold=0", 400, "bad_threshold"),
        ("/v1/compare?a=x&b=y&threshold=1.5", 400, "bad_threshold"),
        ("/v1/compare?a=x&b=y&threshold=nan", 400, "bad_threshold"),
        ("/v1/compare?a=x&b=y&min_count=0", 400, "bad_min_count"),
        ("/v1/compare?a=x&b=y&phrases=10001", 400, "bad_phrases"),
        ("/v1/compare?a=x&b=y&c=z", 400, "unknown_parameter"),
        ("/v1/compare?a=x&b=y", 404, "not_found"),
        ("/healthz?%FF", 400, "bad_utf8"),
        ("/nope", 404, "not_found"),
        ("/static/nope.js", 404, "not_found"),
        ("/v1/search/", 404, "not_found"),
        ("/v1/searc", 404, "not_found"),
        ("/v1/search%00?q=a", 404, "not_found"),
        ("/V1/SEARCH?q=a", 404, "not_found"),
    ]
    for target, status, code in cases:
        r = get(port, target)
        what = "%r" % (target[:80],)
        check(r.status == status,
              "%s: status %d, want %d (%s)" % (what, r.status, status,
                                              r.body[:200]))
        check(r.headers.get("content-type") == "application/json",
              what + ": content-type")
        try:
            e = r.json()["error"]
            check(e["code"] == code, "%s: code %s, want %s" %
                  (what, e["code"], code))
            check(isinstance(e["message"], str) and len(e["message"]) > 10,
                  what + ": message")
            check(set(r.json()) == {"error"} and set(e) == {"code",
                                                            "message"},
                  what + ": error object shape")
        except (ValueError, KeyError, TypeError) as ex:
            check(False, "%s: not an error object (%s): %r" %
                  (what, ex, r.body[:200]))
    check(d.healthy(), "healthy after the bad requests")

    for method in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"):
        r = get(port, "/v1/search?q=a", method=method,
                body=b"x=1" if method == "POST" else b"")
        check(r.status == 405 and r.json()["error"]["code"] ==
              "method_not_allowed", "%s: 405 method_not_allowed" % method)
        check(r.headers.get("allow") == "GET, HEAD", method + ": Allow")
    r = get(port, "/v1/search?q=a", body=b"q=b")
    check(r.status == 400 and r.json()["error"]["code"] == "unexpected_body",
          "GET with a body: 400 unexpected_body")
    # A request announcing a huge body is answered without reading it.
    c = Conn(port, timeout=5)
    c.sock.sendall(b"POST /v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   b"Content-Length: 1000000000\r\n\r\n" + b"x" * 1000)
    t0 = time.monotonic()
    try:
        while b"\r\n\r\n" not in c.buf:
            c._read_more()
        check(c.buf.startswith(b"HTTP/1.1 405") and
              time.monotonic() - t0 < 1, "a 1 GB POST: 405 at once")
    except OSError as e:
        check(False, "a 1 GB POST: %s" % e)
    c.close()
    r = get(port, "/healthz", method="DELETE")
    check(r.status == 405, "DELETE /healthz: 405")
    r = get(port, "/nope", method="POST")
    check(r.status == 404, "POST to an unknown route: 404")

    # Requests libmicrohttpd itself refuses: still 4xx, still healthy.
    r = get(port, "/v1/search?" + qs(q="发" * 20000))
    check(400 <= r.status < 500, "a 60 KB URL: 4xx (%d)" % r.status)
    # (A raw NUL in the request line is not HTTP; libmicrohttpd 0.9.75 ends
    # the target there, so only the daemon's health is checked for it.)
    for raw in (b"GET /v1/search?q=a\x00b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\0" * 64,
                b"GET /healthz HTTP/1.1\r\n" + b"X: " + b"y" * 70000 +
                b"\r\n\r\n"):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=1)
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            s.close()
            if data:
                st = int(data.split(b" ", 2)[1])
                check((400 <= st < 600) or b"\x00" in raw[:40],
                      "raw %r: status %d" % (raw[:30], st))
        except OSError:
            pass
        check(d.healthy(), "healthy after raw %r" % raw[:30])

    # A slow client holds its connection, nobody else's.
    slow = socket.create_connection(("127.0.0.1", port), timeout=5)
    slow.sendall(b"GET /v1/search?q=a HTTP/1.1\r\nHo")
    t0 = time.monotonic()
    check(d.healthy() and time.monotonic() - t0 < 1,
          "a slow client does not block others")
    slow.close()


def live(a, d, index, tmp):
    port = d.port
    phrase = "甲乙丙丁戊己庚辛壬癸测试短语"
    folder = os.path.join(tmp, "new")
    os.mkdir(folder)
    with open(os.path.join(folder, "2099_测试市.txt"), "w",
              encoding="utf-8") as f:
        f.write("2099年测试市政府工作报告\n一、总体要求\n今年要推进%s的工作。\n"
                "第二段没有那个短语。\n" % phrase)
    target = "/v1/search?" + qs(q=phrase)
    r = get(port, target)
    check(r.status == 200 and r.json()["total"] == 0,
          "the new phrase is not there before indexing")
    # the empty answer is now in the cache: the commit must retire it
    r = get(port, target)
    check(r.headers.get("x-baogao-cache") == "hit" and r.json()["total"] == 0,
          "the empty answer repeated from the cache before indexing")
    rev0 = json.loads(get(port, "/v1/stats").body)["revision"]
    stop = threading.Event()
    seen = []

    def poll():
        c = Conn(port)
        while not stop.is_set():
            r = c.request(target)
            if r.status == 200 and r.json()["total"] == 1:
                seen.append(time.monotonic())
                break
            if c.closed:
                c.close()
                c = Conn(port)
        c.close()

    t = threading.Thread(target=poll)
    t.start()
    p = subprocess.run([a.indexer, "--index", index, folder],
                       capture_output=True)
    done = time.monotonic()
    check(p.returncode == 0, "indexing while serving: %s" % p.stderr[-500:])
    t.join(timeout=10)
    stop.set()
    t.join()
    check(bool(seen), "the new report is found without a restart")
    if seen:
        lag = max(0.0, seen[0] - done)
        check(lag < 1.0, "found within a second of the commit (%.3f s)" % lag)
        print("new report visible %.3f s after the indexer exited" % lag)
    r = get(port, target)
    check(r.status == 200 and r.json()["total"] == 1 and
          r.json()["hits"][0]["report"] == "2099_测试市", "the new hit")
    rev1 = json.loads(get(port, "/v1/stats").body)["revision"]
    check(rev1 > rev0, "revision moved (%s -> %s)" % (rev0, rev1))

    # A compaction switches the database under the readers while clients
    # search: every answer stays complete.
    stop.clear()
    answers = []

    def hammer(q):
        c = Conn(port)
        t = "/v1/search?" + qs(q=q)
        while not stop.is_set():
            r = c.request(t)
            answers.append((q, r.status, r.json().get("total")
                            if r.status == 200 else r.body[:200]))
            if c.closed:
                c.close()
                c = Conn(port)
        c.close()

    base = get(port, "/v1/search?" + qs(q="发展")).json()["total"]
    ts = [threading.Thread(target=hammer, args=(q,))
          for q in (phrase, "发展", phrase)]
    for t in ts:
        t.start()
    p = subprocess.run([a.indexer, "--index", index, "--compact", folder],
                       capture_output=True)
    time.sleep(0.2)
    stop.set()
    for t in ts:
        t.join()
    check(p.returncode == 0, "compaction while serving: %s" % p.stderr[-300:])
    wrong = [x for x in answers
             if x[1] != 200 or x[2] != (1 if x[0] == phrase else base)]
    print("%d searches during a compaction" % len(answers))
    check(len(answers) > 10 and not wrong,
          "%d searches during a compaction, wrong: %s" %
          (len(answers), wrong[:3]))


def cache(a, d, index, tmp, daemons):
    """Answers repeated from the cache are the computed ones, byte for
    byte; another query string is another answer; errors are not kept;
    --cache-mb 0 turns it off."""
    port = d.port
    before = parse_metrics(get(port, "/metrics").body.decode())
    for route, params in (("search", dict(q="经济 发展", limit=3)),
                          ("count", dict(q="改革", by="year")),
                          ("kwic", dict(q="高质量发展", width=8))):
        target = "/v1/%s?%s" % (route, qs(**params))
        r1 = get(port, target)
        r2 = get(port, target)
        check(r1.status == 200 and r1.headers.get("x-baogao-cache") == "miss",
              "%s: first answer computed (%s)" %
              (route, r1.headers.get("x-baogao-cache")))
        check(r2.status == 200 and r2.headers.get("x-baogao-cache") == "hit"
              and r2.body == r1.body,
              "%s: second answer from the cache, the same bytes" % route)
        z = get(port, target, headers={"Accept-Encoding": "gzip"})
        b = z.body
        if z.headers.get("content-encoding") == "gzip":
            b = gzip.decompress(b)
        check(z.headers.get("x-baogao-cache") == "hit" and b == r1.body,
              "%s: a cached answer gzip-compressed on request" % route)
        h = get(port, target, method="HEAD")
        check(h.status == 200 and h.headers.get("x-baogao-cache") == "hit",
              "%s: HEAD answered from the cache" % route)
        # the same parameters in another order: another key, same answer
        other = "/v1/%s?%s" % (route, qs(**dict(reversed(list(params.items())))))
        r3 = get(port, other)
        check(r3.status == 200 and norm(r3.body) == norm(r1.body),
              "%s: parameters in another order, the same answer" % route)
    # a bad query is not kept: the same error twice, computed twice
    bad = "/v1/search?" + qs(q="(发展")
    for _ in range(2):
        r = get(port, bad)
        check(r.status == 400 and
              r.headers.get("x-baogao-cache") in (None, "miss"),
              "a malformed query is answered, never from the cache")
    after = parse_metrics(get(port, "/metrics").body.decode())
    hits = after.get("baogao_cache_hits_total", 0) - \
        before.get("baogao_cache_hits_total", 0)
    check(hits >= 9, "metrics count the cache hits (%s)" % hits)
    check(0 < after.get("baogao_cache_bytes", 0) <=
          after.get("baogao_cache_max_bytes", 0),
          "metrics: cache bytes within the limit")
    # --cache-mb 0: every answer computed
    d0 = Daemon(a.searchd, index, tmp, "nocache", "--cache-mb", "0",
                "--threads", "1")
    daemons.append(d0)
    target = "/v1/search?" + qs(q="发展", limit=2)
    r1, r2 = get(d0.port, target), get(d0.port, target)
    check(r1.status == 200 and r2.status == 200 and
          "x-baogao-cache" not in r2.headers and
          norm(r1.body) == norm(r2.body) == norm(get(port, target).body),
          "--cache-mb 0: no cache, the same answers")
    m0 = parse_metrics(get(d0.port, "/metrics").body.decode())
    check(m0.get("baogao_cache_max_bytes") == 0 and
          m0.get("baogao_cache_hits_total") == 0, "--cache-mb 0 in metrics")
    rc, _ = d0.stop()
    check(rc == 0, "the daemon without a cache stops cleanly")
    p = subprocess.run([a.searchd, "--cache-mb", "x"], capture_output=True)
    check(p.returncode == 1 and b"--cache-mb" in p.stderr,
          "--cache-mb x: a usage error naming the option")


def parse_metrics(text):
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$', line)
        if not m:
            raise ValueError("bad metrics line %r" % line)
        out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def metrics(d, nreports):
    port = d.port
    time.sleep(1.2)  # the index figures are refreshed once a second
    before = get(port, "/metrics")
    check(before.status == 200 and before.headers.get(
        "content-type", "").startswith("text/plain"), "/metrics: 200 text")
    try:
        m0 = parse_metrics(before.body.decode())
    except ValueError as e:
        check(False, "/metrics parses: %s" % e)
        return
    key = 'baogao_http_requests_total{route="/v1/search",status="200"}'
    for _ in range(5):
        get(port, "/v1/search?q=%E5%8F%91")
    get(port, "/v1/search?q=%00")
    time.sleep(0.1)  # counted when the connection is done with them
    m1 = parse_metrics(get(port, "/metrics").body.decode())
    check(m1.get(key, 0) - m0.get(key, 0) == 5,
          "metrics count 5 more searches (%s -> %s)" % (m0.get(key),
                                                      m1.get(key)))
    k400 = 'baogao_http_requests_total{route="/v1/search",status="400"}'
    check(m1.get(k400, 0) - m0.get(k400, 0) == 1, "metrics count a 400")
    check(m1.get('baogao_http_requests_total{route="other",status="404"}',
                 0) > 0, "metrics count 404s")
    check(m1.get('baogao_http_requests_total{route="/metrics",'
                 'status="200"}', 0) >= 1, "metrics count themselves")
    inf = m1.get('baogao_http_request_duration_seconds_bucket'
                 '{route="/v1/search",le="+Inf"}')
    cnt = m1.get('baogao_http_request_duration_seconds_count'
                 '{route="/v1/search"}')
    total = sum(v for k, v in m1.items()
                if k.startswith('baogao_http_requests_total{route='
                                '"/v1/search"'))
    check(inf == cnt == total, "histogram +Inf = count = requests (%s %s %s)"
          % (inf, cnt, total))
    les = [(k, v) for k, v in m1.items() if k.startswith(
        'baogao_http_request_duration_seconds_bucket{route="/v1/search"')]
    vals = [v for _, v in les]
    check(vals == sorted(vals), "histogram buckets are cumulative")
    check(m1.get("baogao_index_up") == 1, "baogao_index_up 1")
    check(m1.get("baogao_index_reports") == nreports,
          "baogao_index_reports %s, want %d" %
          (m1.get("baogao_index_reports"), nreports))
    check(m1.get("baogao_index_documents") == nreports,
          "baogao_index_documents")
    stats = json.loads(get(port, "/v1/stats").body)
    check(m1.get("baogao_index_revision") == stats["revision"],
          "baogao_index_revision = stats revision")
    check(m1.get("baogao_index_paragraphs") == stats["paragraphs"],
          "baogao_index_paragraphs = stats paragraphs")


def nparas_fazhan(a, index):
    p = subprocess.run([a.baogao, "--index", index, "--json", "search",
                        "--limit", "0", "--", "发展"], capture_output=True)
    return json.loads(p.stdout)["total"]


def others(a, index, tmp, daemons, nreports):
    # Tight limits, --quiet, a small connection limit.
    d = Daemon(a.searchd, index, tmp, "tight", "--quiet", "--threads", "2",
               "--timeout-ms", "1", "--max-query-bytes", "12",
               "--max-limit", "20", "--max-connections", "8")
    daemons.append(d)
    port = d.port
    r = get(port, "/v1/search?" + qs(q="的 OR 人"))
    if nreports >= 20:
        check(r.status == 503 and r.json()["error"]["code"] == "timeout",
              "past --timeout-ms: 503 timeout (%d %s)" %
              (r.status, r.body[:200]))
    else:
        check(r.status in (200, 503), "--timeout-ms 1: 200 or 503 timeout")
    r = get(port, "/v1/search?" + qs(q="发展经济社会"))
    check(r.status == 414 and r.json()["error"]["code"] == "query_too_long",
          "--max-query-bytes")
    r = get(port, "/v1/search?" + qs(q="发展", limit=21))
    check(r.status == 400 and r.json()["error"]["code"] == "bad_limit",
          "--max-limit")
    socks = []
    for _ in range(30):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port),
                                                  timeout=5))
        except OSError:
            pass
    time.sleep(0.2)
    for s in socks:
        s.close()
    time.sleep(0.2)
    check(d.healthy(), "healthy after exceeding --max-connections")
    rc, took = d.stop(signal.SIGINT)
    check(rc == 0 and took < 3, "SIGINT: exit 0 in %.2f s (%d)" % (took, rc))
    err = d.stderr()
    check(err == "", "--quiet: nothing on stderr, got %r" % err[:500])

    # all=1 answers at most --max-hits hits, else too_many_hits.
    d = Daemon(a.searchd, index, tmp, "hits", "--max-hits", "5",
               "--threads", "1")
    daemons.append(d)
    r = get(d.port, "/v1/search?" + qs(q="发展", all=1))
    check(r.status == 400 and r.json()["error"]["code"] == "too_many_hits",
          "all=1 over --max-hits: 400 too_many_hits (%d %s)" %
          (r.status, r.body[:200]))
    for q, o in (("甲乙丙丁戊己庚辛壬癸测试短语", {"all": 1}),
                 ("发展", {"all": 1, "offset": max(0, nparas_fazhan(a, index) - 5)}),
                 ("发展", {"limit": 20})):
        r = get(d.port, "/v1/search?" + qs(q=q, **o))
        p = subprocess.run([a.baogao, "--index", index, "--json", "search"] +
                           cli_args(q, o), capture_output=True)
        check(r.status == 200 and norm(r.body) == norm(p.stdout),
              "all=1 within --max-hits, as the CLI: %r %r" % (q, o))
    r = get(d.port, "/v1/kwic?" + qs(q="发展"))
    check(r.status == 400 and r.json()["error"]["code"] == "too_many_hits",
          "kwic over --max-hits lines: 400 too_many_hits (%d %s)" %
          (r.status, r.body[:200]))
    r = get(d.port, "/v1/kwic?" + qs(q="甲乙丙丁戊己庚辛壬癸测试短语"))
    p = subprocess.run([a.baogao, "--index", index, "--json", "kwic",
                        "甲乙丙丁戊己庚辛壬癸测试短语"], capture_output=True)
    check(r.status == 200 and norm(r.body) == norm(p.stdout),
          "kwic within --max-hits: 200, as the CLI (%d %s)" %
          (r.status, r.body[:200]))
    rc, took = d.stop()
    check(rc == 0, "hits daemon: exit 0")

    # No index: 503 index_unavailable, healthz 503.
    missing = os.path.join(tmp, "no-index")
    d = Daemon(a.searchd, missing, tmp, "missing", "--threads", "1")
    daemons.append(d)
    r = get(d.port, "/healthz")
    check(r.status == 503 and r.json()["error"]["code"] ==
          "index_unavailable", "healthz without an index: 503")
    r = get(d.port, "/v1/search?q=a")
    check(r.status == 503 and r.json()["error"]["code"] ==
          "index_unavailable", "search without an index: 503")
    r = get(d.port, "/v1/search?q=%FF")
    check(r.status == 400, "bad requests are still 400 without an index")
    rc, took = d.stop()
    check(rc == 0 and took < 3, "no index: exit 0 on SIGTERM")

    # Bad usage.
    for args in (["--threads", "0"], ["--listen", "nonsense"],
                 ["--listen", "127.0.0.1:99999"],
                 ["--bogus"], ["--max-limit", "x"]):
        p = subprocess.run([a.searchd] + args, capture_output=True,
                           timeout=20)
        check(p.returncode == 1 and p.stderr, "bad usage %r: exit 1" % args)
    p = subprocess.run([a.searchd, "--help"], capture_output=True)
    check(p.returncode == 0 and b"--listen" in p.stdout, "--help")


if __name__ == "__main__":
    sys.exit(main())
