#!/usr/bin/env python3
"""views_oracle.py - `baogao count` and `baogao kwic` against the oracle.

For random phrases drawn from the reports (and a few fixed ones), the
per-year answer of `baogao --json count Q --by year` must equal what the
reference oracle of the matching contract (shared/oracle/units.py) counts
over the same files: for every year, the reports with a matching paragraph,
the matching paragraphs, the occurrences and the year's total units; plus
the first and last year.  `baogao --json kwic Q` must give exactly one line
per occurrence: the same (report, paragraph) multiset, and a match whose
units are the query's.

usage: views_oracle.py BAOGAO INDEXER CORPUS_DIR SHARED_DIR [QUERIES]
Skips (exit 0) when the oracle is absent.  Standard library only.
"""
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict


def main():
    baogao, indexer, corpus, shared = sys.argv[1:5]
    nq = int(sys.argv[5]) if len(sys.argv) > 5 else 60
    oracle_dir = os.path.join(shared, "oracle")
    if not os.path.exists(os.path.join(oracle_dir, "units.py")):
        print("skipped: no oracle at", oracle_dir)
        return 0
    sys.path.insert(0, oracle_dir)
    import units as oracle

    files = sorted(glob.glob(os.path.join(corpus, "*.txt")))
    files += sorted(glob.glob(os.path.join(shared, "corpus", "*.txt")))
    tmp = tempfile.mkdtemp(prefix="bg-views-")
    try:
        idx = os.path.join(tmp, "index")
        subprocess.run([indexer, "--index", idx, "-q"] + files, check=True)
        reports = []  # (id, year, [units per paragraph])
        for f in files:
            rid = os.path.basename(f)[:-4]
            year = rid.split("_")[0]
            paras = [oracle.units(p) for p in oracle.paragraphs(f)]
            reports.append((rid, year, paras))
        year_units = Counter()
        for rid, year, paras in reports:
            year_units[year] += sum(len(p) for p in paras)

        seed = int(os.environ.get("BAOGAO_SEED", "777"))
        rng = random.Random(seed)
        queries = ["高质量发展", "发展", "人民代表大会", "新质生产力", "19.4亿元", "钢"]
        while len(queries) < nq:
            rid, year, paras = rng.choice(reports)
            p = rng.choice(paras)
            if not p:
                continue
            # Half of them 1-2 units: their counts come from postings.
            k = rng.choice((1, 2, rng.randint(1, 6)))
            i = rng.randrange(max(1, len(p) - k + 1))
            q = "".join(p[i:i + k])
            if '"' in q or not q.strip():
                continue
            queries.append(q)

        bad = 0
        lines_checked = 0
        for q in queries:
            qu = oracle.units(q)
            if not qu:
                continue
            quoted = '"' + q + '"'
            want = defaultdict(lambda: [0, 0, 0])  # year -> reports, paras, occ
            want_lines = Counter()
            years_with = []
            for rid, year, paras in reports:
                hit_paras = 0
                for n, p in enumerate(paras, 1):
                    c = oracle.count(p, qu)
                    if c:
                        hit_paras += 1
                        want[year][1] += 1
                        want[year][2] += c
                        want_lines[(rid, n)] += c
                if hit_paras:
                    want[year][0] += 1
                    years_with.append(int(year))
            out = subprocess.run([baogao, "--index", idx, "--json", "count", "--", quoted],
                                 capture_output=True, text=True)
            got = json.loads(out.stdout)
            gb = {b["key"]: b for b in got["buckets"]}
            for year in year_units:
                w = want.get(year, [0, 0, 0])
                b = gb.get(year)
                if (b is None or [b["reports"], b["paragraphs"], b["occurrences"]] != w
                        or b["units"] != year_units[year]):
                    bad += 1
                    print(f"COUNT DIFFERS {q!r} year {year}: oracle reports/paras/occ "
                          f"{w} units {year_units[year]}, baogao {b}")
            if set(gb) != set(year_units):
                bad += 1
                print(f"BUCKETS DIFFER {q!r}: {sorted(set(gb) ^ set(year_units))}")
            # With a year filter: the years outside it count nothing.
            if rng.random() < 0.4 and years_with:
                lo = rng.choice(years_with)
                hi = lo + rng.randint(0, 10)
                out = subprocess.run([baogao, "--index", idx, "--json", "count", "--",
                                      f"{quoted} year:{lo}..{hi}"],
                                     capture_output=True, text=True)
                fb = {b["key"]: b for b in json.loads(out.stdout)["buckets"]}
                for year in year_units:
                    inside = year.isdigit() and lo <= int(year) <= hi
                    w = want.get(year, [0, 0, 0]) if inside else [0, 0, 0]
                    b = fb.get(year)
                    if b is None or [b["reports"], b["paragraphs"], b["occurrences"]] != w:
                        bad += 1
                        print(f"FILTERED COUNT DIFFERS {q!r} year:{lo}..{hi} year {year}: "
                              f"oracle {w}, baogao {b}")
            wf = str(min(years_with)) if years_with else None
            wl = str(max(years_with)) if years_with else None
            if (got["first"], got["last"]) != (wf, wl):
                bad += 1
                print(f"FIRST/LAST DIFFER {q!r}: oracle {wf}..{wl}, baogao "
                      f"{got['first']}..{got['last']}")
            out = subprocess.run([baogao, "--index", idx, "--json", "kwic", "--", quoted],
                                 capture_output=True, text=True)
            got = json.loads(out.stdout)
            gl = Counter((l["report"], l["para"]) for l in got["lines"])
            if gl != want_lines or got["total"] != sum(want_lines.values()):
                bad += 1
                print(f"KWIC DIFFERS {q!r}: oracle {sum(want_lines.values())} lines, "
                      f"baogao {got['total']}; e.g. {list((gl - want_lines).items())[:3]} "
                      f"{list((want_lines - gl).items())[:3]}")
            for l in got["lines"]:
                lines_checked += 1
                if oracle.units(l["match"]) != qu:
                    bad += 1
                    print(f"KWIC MATCH {q!r}: {l}")
                    break
        print(f"views: {len(queries)} queries, {len(year_units)} years, "
              f"{lines_checked} kwic lines checked, {bad} differences, seed {seed}")
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
