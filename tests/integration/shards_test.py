#!/usr/bin/env python3
"""Shards: one index written as two, read as one, locally and remotely.

Builds the same reports into one index and, with baogao-index --shards 2,
into two shards under one stub folder; serves the shards with two
xapian-tcpsrv on loopback and writes a stub of the two remote databases.
Every kind of answer (search with its options, count by year, region and
report, kwic, similar, compare, reports, stats) must be the same through
the shard folder, through the remote stub and through baogao-searchd on
the remote stub as from the single index.  Re-runs keep every report in
exactly one shard; a changed shard count is refused.  Prints the latency
of typical queries over the remote shards next to the single index.

usage: shards_test.py --indexer BIN --baogao BIN --searchd BIN
                      --corpus DIR [--shared-corpus DIR]
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

FAILS = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what, flush=True)


def free_port():
    """A free port below the ephemeral range, for a server started by
    another program: the kernel's own picks (port 0) are also the local
    ports of outgoing connections, which tests running beside this one
    open by the thousand, and one could take the port before the server
    binds it."""
    low = 32768
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(10000, max(10001, low))
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port below %d" % low)


def norm(out):
    """A JSON answer without what legitimately differs between indexes:
    timings, the index path, revision and size."""
    try:
        v = json.loads(out)
    except ValueError:
        return out
    if isinstance(v, dict):
        for k in ("took_ms", "index", "revision", "size_bytes"):
            v.pop(k, None)
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


QUERIES = ["高质量发展", "发展", "新质生产力", "稳中求进 OR 稳中有进",
           "发展 -经济", '"生态 文明"', "GDP", "year:2020..2025 营商环境",
           "region:国务院 改革", "(产业 OR 企业) 创新", "甲乙丙丁戊己"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--baogao", required=True)
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--shared-corpus")
    a = ap.parse_args()
    tcpsrv = shutil.which("xapian-tcpsrv")
    if not tcpsrv:
        print("xapian-tcpsrv not found: install xapian-tools")
        return 1
    tmp = tempfile.mkdtemp(prefix="baogao-shards-")
    procs = []
    try:
        return run(a, tmp, procs, tcpsrv)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def run(a, tmp, procs, tcpsrv):
    src = os.path.join(tmp, "reports")
    os.mkdir(src)
    files = [os.path.join(a.corpus, n) for n in sorted(os.listdir(a.corpus))
             if n.endswith(".txt")]
    if a.shared_corpus and os.path.isdir(a.shared_corpus):
        shared = sorted(n for n in os.listdir(a.shared_corpus)
                        if n.endswith(".txt"))
        files += [os.path.join(a.shared_corpus, n) for n in shared[::4]]
    for p in files:
        shutil.copy(p, src)
    if len(files) < 8:
        # Without ../shared: more reports, cut from the shipped ones, so
        # that both shards get some.
        lines = []
        for p in files:
            with open(p, encoding="utf-8") as f:
                lines += [l for l in f.read().splitlines() if l.strip()]
        for i in range(8):
            part = lines[i::8]
            name = "%d_样例%d.txt" % (2016 + i, i)
            with open(os.path.join(src, name), "w", encoding="utf-8") as f:
                f.write("\n".join(part) + "\n")
            files.append(name)
    one = os.path.join(tmp, "one")
    sharded = os.path.join(tmp, "sharded")

    def ix(index, *extra):
        return subprocess.run([a.indexer, "--index", index] + list(extra) +
                              [src], capture_output=True)

    r = ix(one)
    check(r.returncode == 0, "single index: %s" % r.stderr.decode()[:300])
    r = ix(sharded, "--shards", "2")
    check(r.returncode == 0, "--shards 2: %s" % r.stderr.decode()[:300])

    def cli(index, *args):
        p = subprocess.run([a.baogao, "--index", index, "--json"] + list(args),
                           capture_output=True)
        return p.returncode, p.stdout.decode()

    def ids(index):
        rc, out = cli(index, "reports")
        return [m["id"] for m in json.loads(out)["reports"]] if rc == 0 else []

    # Every report in exactly one shard.
    s0 = ids(os.path.join(sharded, "shard-00"))
    s1 = ids(os.path.join(sharded, "shard-01"))
    all_ids = sorted(ids(one))
    check(len(all_ids) == len(files), "single index holds every report")
    check(sorted(s0 + s1) == all_ids and not set(s0) & set(s1) and s0 and s1,
          "each report in exactly one shard (%d + %d of %d)" %
          (len(s0), len(s1), len(all_ids)))
    # A re-run changes nothing; a changed report stays in its shard.
    r = ix(sharded, "-v")
    check(r.returncode == 0 and b"0 added, 0 replaced" in r.stderr,
          "re-run: every report unchanged (%s)" % r.stderr[-200:])
    victim = sorted(os.listdir(src))[-1]
    with open(os.path.join(src, victim), "a", encoding="utf-8") as f:
        f.write("\n分片测试独有短语出现在这里。\n")
    r = ix(sharded)
    check(r.returncode == 0, "re-run after a change")
    r = ix(one)
    vid = victim[:-4]
    check((vid in s0) == (vid in ids(os.path.join(sharded, "shard-00"))) and
          sorted(ids(os.path.join(sharded, "shard-00")) +
                 ids(os.path.join(sharded, "shard-01"))) == all_ids,
          "a changed report is replaced in its own shard")
    # A changed shard count, or sharding a plain index, is refused.
    r = ix(sharded, "--shards", "3")
    check(r.returncode == 2 and b"has 2 shards" in r.stderr,
          "--shards 3 on 2 shards: exit 2 (%d %s)" %
          (r.returncode, r.stderr[:200]))
    r = ix(one, "--shards", "2")
    check(r.returncode == 2 and b"one database" in r.stderr,
          "--shards 2 on a plain index: exit 2")

    # Two shards served over TCP.
    remote = os.path.join(tmp, "remote.stub")
    ports = []
    for k in range(2):
        port = free_port()
        ports.append(port)
        procs.append(subprocess.Popen(
            [tcpsrv, "--port", str(port),
             os.path.join(sharded, "shard-%02d" % k)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True))
    with open(remote, "w") as f:
        for port in ports:
            f.write("remote 127.0.0.1:%d\n" % port)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 20:
        if cli(remote, "stats")[0] == 0:
            break
        time.sleep(0.2)

    # Every kind of answer, the same.
    cases = []
    for i, q in enumerate(QUERIES):
        opts = [["--limit", "7"], ["--all"], ["--sort", "year", "--limit",
                                               "5", "--offset", "3"],
                ["--sort", "-year", "--limit", "4"]][i % 4]
        cases.append(["search"] + opts + ["--", q])
    for q in QUERIES[:6]:
        for by in ("year", "region", "report"):
            cases.append(["count", "--by", by, "--", q])
        cases.append(["kwic", "--width", "10", "--sort", "left", "--", q])
    some = all_ids[len(all_ids) // 2]
    cases.append(["similar", some + "#3", "--limit", "5"])
    cases.append(["similar", "--text", "坚持稳中求进工作总基调，推动高质量发展",
                  "--limit", "5"])
    by_region = {}
    for rid in all_ids:
        by_region.setdefault(rid.split("_", 1)[-1], []).append(rid)
    pairs = [v[-2:] for v in by_region.values() if len(v) >= 2][:2]
    for x, y in pairs:
        cases.append(["compare", x, y])
    cases += [["reports"], ["stats"]]
    for args in cases:
        want = cli(one, *args)
        for name, index in (("shard folder", sharded), ("remote stub",
                                                        remote)):
            got = cli(index, *args)
            check(got[0] == want[0] and norm(got[1]) == norm(want[1]),
                  "%s: baogao %s differs from one index:\n  %s\n  want %s" %
                  (name, " ".join(args)[:80], norm(got[1])[:300],
                   norm(want[1])[:300]))

    # searchd on the remote stub.
    d = subprocess.Popen([a.searchd, "--index", remote, "--listen",
                          "127.0.0.1:0", "--quiet", "--threads", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    procs.append(d)
    m = re.match(r"listening on http://127\.0\.0\.1:(\d+)$",
                 d.stdout.readline().decode().strip())
    check(m is not None, "searchd on the remote stub starts")
    if m:
        sport = int(m.group(1))
        for q in QUERIES[:4]:
            url = "http://127.0.0.1:%d/v1/search?%s" % (
                sport, urllib.parse.urlencode({"q": q, "limit": 5}))
            with urllib.request.urlopen(url, timeout=60) as resp:
                body = resp.read().decode()
            check(norm(body) == norm(cli(one, "search", "--limit", "5", "--",
                                         q)[1]),
                  "searchd over the remote shards: %s" % q)

    # Latency: one local index against two loopback remote shards.
    print("query                 one index   2 remote shards   (median "
          "took_ms of 5)")
    for q in ("高质量发展", "新质生产力", "稳中求进 OR 稳中有进", "发展",
              "year:2025 营商环境"):
        row = []
        for index in (one, remote):
            t = []
            for _ in range(5):
                rc, out = cli(index, "search", "--limit", "10", "--", q)
                if rc == 0:
                    t.append(json.loads(out)["took_ms"])
            row.append(statistics.median(t) if t else -1)
        print("%-20s %8.1f ms %12.1f ms" % (q, row[0], row[1]))
    print("%d checks, %d failed" % (CHECKS[0], len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
