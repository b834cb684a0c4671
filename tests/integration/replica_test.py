#!/usr/bin/env python3
"""Replicas on Xapian's own replication, on loopback.

A master index written with XAPIAN_MAX_CHANGESETS set, served by
xapian-replicate-server; a replica kept by xapian-replicate (polling every
second) under a baogao-searchd.  The test indexes a new report on the
master and waits for a search through the replica's daemon to find it
(changesets), then compacts the master and checks that the replica follows
the switch to a new database (a whole copy), and finally that every search
through the replica answers what the CLI answers on the master.

usage: replica_test.py --searchd BIN --indexer BIN --baogao BIN
                       --corpus DIR [--shared-corpus DIR]
"""
import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

FAILS = []


def check(cond, what):
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


def norm(body):
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return re.sub(r'"took_ms": [-0-9.eE+]+', '"took_ms": 0', body, count=1)


def http(port, path, **params):
    url = "http://127.0.0.1:%d%s" % (port, path)
    if params:
        url += "?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_for(cond, limit, what):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if cond():
            return time.monotonic() - t0
        time.sleep(0.2)
    check(False, "%s within %d s" % (what, limit))
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--baogao", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--shared-corpus")
    a = ap.parse_args()
    server_bin = shutil.which("xapian-replicate-server")
    client_bin = shutil.which("xapian-replicate")
    if not server_bin or not client_bin:
        print("xapian-replicate(-server) not found: install xapian-tools "
              "(scripts/install-deps.sh does)")
        return 1

    tmp = tempfile.mkdtemp(prefix="baogao-replica-")
    procs = []
    try:
        return run(a, tmp, procs, server_bin, client_bin)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def run(a, tmp, procs, server_bin, client_bin):
    src = os.path.join(tmp, "reports")
    os.mkdir(src)
    files = sorted(os.path.join(a.corpus, n) for n in os.listdir(a.corpus)
                   if n.endswith(".txt"))
    if a.shared_corpus and os.path.isdir(a.shared_corpus):
        files += sorted(os.path.join(a.shared_corpus, n)
                        for n in os.listdir(a.shared_corpus)
                        if n.startswith("2025_") and n.endswith(".txt"))[:12]
    for p in files:
        shutil.copy(p, src)
    env = dict(os.environ, XAPIAN_MAX_CHANGESETS="20")
    master = os.path.join(tmp, "master")
    replica = os.path.join(tmp, "replica")

    def index(*extra):
        r = subprocess.run([a.indexer, "--index", master] + list(extra) +
                           [src], env=env, capture_output=True)
        check(r.returncode == 0, "indexer %r: exit %d: %s" %
              (extra, r.returncode, r.stderr.decode()[:300]))

    index()
    check(os.path.islink(os.path.join(master, "live")),
          "the master index has DIR/live")

    port = free_port()
    log = open(os.path.join(tmp, "server.log"), "wb")
    # Own sessions: the replication tools signal their process group.
    procs.append(subprocess.Popen([server_bin, "-p", str(port), master],
                                  stdout=log, stderr=log,
                                  start_new_session=True))
    time.sleep(0.5)
    rlog = open(os.path.join(tmp, "replicate.log"), "wb")
    procs.append(subprocess.Popen([client_bin, "-h", "127.0.0.1", "-p",
                                   str(port), "-m", "live", "-i", "1", "-r",
                                   "0", "-v", replica], stdout=rlog,
                                  stderr=rlog, start_new_session=True))
    wait_for(lambda: os.path.exists(os.path.join(replica, "XAPIANDB")), 60,
             "the first copy of the master reaches the replica")

    d = subprocess.Popen([a.searchd, "--index", replica, "--listen",
                          "127.0.0.1:0", "--quiet", "--threads", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    procs.append(d)
    line = d.stdout.readline().decode()
    m = re.match(r"listening on http://127\.0\.0\.1:(\d+)$", line.strip())
    if not m:
        check(False, "searchd on the replica: no 'listening on' line: %r" %
              line)
        return 1
    sport = int(m.group(1))
    wait_for(lambda: http(sport, "/healthz")[0] == 200, 30,
             "searchd on the replica is healthy")

    # A new report, with a phrase found nowhere else.
    phrase = "复制副本测试短语甲乙丙"
    new = os.path.join(src, "2099_复制测试市.txt")
    with open(new, "w", encoding="utf-8") as f:
        f.write("2099年复制测试市政府工作报告\n\n各位代表：\n"
                "今年要推进%s的落实，做好各项工作。\n"
                "第二段也提到%s。\n" % (phrase, phrase))
    st, body = http(sport, "/v1/search", q=phrase)
    check(st == 200 and json.loads(body)["total"] == 0,
          "the phrase is not on the replica before the master has it")
    t0 = time.monotonic()
    index("--no-compact")
    took = wait_for(lambda: json.loads(http(sport, "/v1/search", q=phrase)[1])
                    .get("total") == 2, 60,
                    "a report indexed on the master is found through the "
                    "replica's searchd")
    if took is not None:
        print("new report found on the replica %.1f s after indexing began"
              % (time.monotonic() - t0))
    with open(os.path.join(tmp, "replicate.log"), "rb") as f:
        rl = f.read().decode("utf-8", "replace")
    check("changeset" in rl, "the update came as a changeset")

    # A compaction moves the master to a new database: the replica copies it.
    os.remove(new)
    index("--prune", "--compact")
    wait_for(lambda: json.loads(http(sport, "/v1/search", q=phrase)[1])
             .get("total") == 0, 60,
             "after --prune --compact on the master the replica follows")

    # Every answer through the replica is the master's.
    st, rep = http(sport, "/v1/reports")
    loc = subprocess.run([a.baogao, "--index", master, "--json", "stats"],
                         capture_output=True).stdout
    check(json.loads(http(sport, "/v1/stats")[1])["reports"] ==
          json.loads(loc)["reports"], "replica and master hold the same "
          "reports")
    n = 0
    for q in ("高质量发展", "发展 -经济", "新质生产力 OR 人工智能",
              "year:2025 营商环境", '"生态 文明"'):
        st, body = http(sport, "/v1/search", q=q, limit=20)
        loc = subprocess.run([a.baogao, "--index", master, "--json",
                              "search", "--limit", "20", "--", q],
                             capture_output=True).stdout
        n += 1
        check(st == 200 and norm(body) == norm(loc),
              "search %r through the replica answers as on the master" % q)
    print("%d searches compared between replica and master" % n)
    print("%d checks failed" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
