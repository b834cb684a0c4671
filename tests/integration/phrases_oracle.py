#!/usr/bin/env python3
"""phrases_oracle.py - compare's new and dropped formulations and keywords'
keyness against the oracle of the matching contract.

Over the shared reports (skips when ../shared/oracle is absent):
  - compare A B for pairs of a region's 2025 and 2026 reports: every new
    phrase occurs in B exactly `count` times and never in A (gone: the
    other way round), counted by the oracle; no listed phrase is a
    substring of another listed one with the same count; the fragments
    出新 化和 级工 有新 are not listed; the default (summary) view fits
    about two screens and --full prints every paragraph;
  - keywords for two pairs of sides (a year against the year before, a
    region against the rest): each phrase's occurrences on both sides and
    the sides' units as the oracle counts them, per_10k, G² and the log
    ratio as a Python computation gives them, ranked by G²; no listed
    phrase a substring of another with the same counts on both sides;
  - /v1/keywords of baogao-searchd answers as the CLI (when given).

usage: phrases_oracle.py BAOGAO INDEXER CORPUS_DIR SHARED_DIR
Standard library only.
"""
import glob
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def g2(a, na, b, nb):
    e1 = na * (a + b) / (na + nb)
    e2 = nb * (a + b) / (na + nb)
    g = 0.0
    if a > 0:
        g += a * math.log(a / e1)
    if b > 0:
        g += b * math.log(b / e2)
    return 2 * g


def main():
    baogao, indexer, corpus, shared = sys.argv[1:5]
    oracle_dir = os.path.join(shared, "oracle")
    if not os.path.exists(os.path.join(oracle_dir, "units.py")):
        print("skipped: no oracle at", oracle_dir)
        return 0
    sys.path.insert(0, oracle_dir)
    import units as oracle

    files = sorted(glob.glob(os.path.join(corpus, "*.txt")))
    files += sorted(glob.glob(os.path.join(shared, "corpus", "*.txt")))
    tmp = tempfile.mkdtemp(prefix="bg-phrases-")
    try:
        idx = os.path.join(tmp, "index")
        subprocess.run([indexer, "--index", idx, "-q"] + files, check=True)
        reports = {}
        for f in files:
            rid = os.path.basename(f)[:-4]
            reports[rid] = [oracle.units(p) for p in oracle.paragraphs(f)]

        def occurrences(rids, phrase):
            qu = oracle.units(phrase)
            return sum(oracle.count(p, qu) for r in rids for p in reports[r])

        def units_of(rids):
            return sum(len(p) for r in rids for p in reports[r])

        def js(*args):
            out = subprocess.run([baogao, "--index", idx, "--json"] + list(args),
                                 capture_output=True, text=True)
            if out.returncode != 0:
                raise RuntimeError(f"{args}: {out.stderr}")
            return json.loads(out.stdout)

        # -- compare ----------------------------------------------------------
        fragments = {"出新", "化和", "级工", "有新"}
        pairs = [("2025_北京市", "2026_北京市"), ("2025_广东省", "2026_广东省"),
                 ("2025_江苏省", "2026_江苏省"), ("2025_四川省", "2026_四川省")]
        listed = 0
        for a, b in pairs:
            if a not in reports or b not in reports:
                continue
            c = js("compare", a, b, "--phrases", "60")
            for key, here, there in (("new_phrases", b, a), ("gone_phrases", a, b)):
                ps = c[key]
                for p in ps:
                    listed += 1
                    n_here = occurrences([here], p["phrase"])
                    n_there = occurrences([there], p["phrase"])
                    check(n_here == p["count"] and n_there == 0,
                          f"compare {a} {b} {key} {p}: oracle {n_here} in {here}, "
                          f"{n_there} in {there}")
                    check(p["phrase"] not in fragments,
                          f"compare {a} {b}: fragment {p['phrase']} listed")
                for p in ps:
                    for q in ps:
                        if p is not q and p["phrase"] in q["phrase"] and \
                                p["count"] == q["count"]:
                            check(False, f"compare {a} {b}: {p} inside {q} with "
                                         "the same count")
            text = subprocess.run([baogao, "--index", idx, "compare", a, b],
                                  capture_output=True, text=True,
                                  env=dict(os.environ, COLUMNS="100")).stdout
            lines = text.count("\n")
            width = max(len(l) for l in text.splitlines())
            check(lines <= 110 and width <= 100,
                  f"compare {a} {b}: summary of {lines} lines, {width} wide")
            full = subprocess.run([baogao, "--index", idx, "compare", "--full", a, b],
                                  capture_output=True, text=True).stdout
            check(full.count("¶") >= len(c["pairs"]),
                  f"compare --full {a} {b} shows every pair")

        # -- keywords -----------------------------------------------------------
        by_year = lambda y: sorted(r for r in reports if r.startswith(f"{y}_"))
        sides = [("year:2026", "year:2025", by_year(2026), by_year(2025)),
                 ("region:广东省", "-region:广东省",
                  sorted(r for r in reports if r.endswith("_广东省")),
                  sorted(r for r in reports if not r.endswith("_广东省")))]
        checked = 0
        for q, vs, ra, rb in sides:
            if not ra or not rb:
                continue
            k = js("keywords", q, "--vs", vs, "--limit", "40")
            na, nb = units_of(ra), units_of(rb)
            check(k["units"] == [na, nb] and k["reports"] == [len(ra), len(rb)],
                  f"keywords {q} --vs {vs}: units {k['units']} reports "
                  f"{k['reports']}, oracle {[na, nb]} {[len(ra), len(rb)]}")
            check(len(k["keywords"]) > 0, f"keywords {q} --vs {vs} lists phrases")
            prev = math.inf
            for w in k["keywords"]:
                checked += 1
                a = occurrences(ra, w["phrase"])
                b = occurrences(rb, w["phrase"])
                want = {"a": a, "b": b,
                        "per_10k_a": round(a * 1e4 / na, 2),
                        "per_10k_b": round(b * 1e4 / nb, 2),
                        "g2": round(g2(a, na, b, nb), 2),
                        "log_ratio": round(math.log2((a / na) / (max(b, 0.5) / nb)), 2)}
                got = {x: w[x] for x in want}
                ok = got["a"] == a and got["b"] == b and all(
                    abs(got[x] - want[x]) <= 0.011 for x in want if x not in "ab")
                check(ok, f"keywords {q} --vs {vs} {w['phrase']}: baogao {got}, "
                          f"oracle {want}")
                check(w["g2"] <= prev + 1e-9, f"keywords ranked by G²: {w}")
                check(w["g2"] >= 10.83 and a / na > b / nb, f"keywords listed: {w}")
                prev = w["g2"]
            ks = k["keywords"]
            for p in ks:
                for o in ks:
                    if p is not o and p["phrase"] in o["phrase"] and \
                            (p["a"], p["b"]) == (o["a"], o["b"]):
                        check(False, f"keywords: {p['phrase']} inside {o['phrase']} "
                                     "with the same counts")
        p = subprocess.run([baogao, "--index", idx, "keywords", "发展"],
                           capture_output=True, text=True)
        check(p.returncode == 1 and "only year:, region: and report:" in p.stderr,
              f"keywords refuses a phrase: {p.stderr!r}")
        p = subprocess.run([baogao, "--index", idx, "keywords", "year:1800"],
                           capture_output=True, text=True)
        check(p.returncode == 1 and "no report" in p.stderr,
              f"keywords on no report: {p.stderr!r}")
        print(f"phrases: {listed} compare phrases, {checked} keywords checked, "
              f"{len(FAILS)} failures")
        return 1 if FAILS else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
