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


def report_region(rid):
    return rid.split("_", 1)[1] if "_" in rid else "unknown"


def random_filter(rng, reports, years_with):
    """A random filter expression and the predicate on (id, year, region)
    that says which reports it keeps."""
    regions = sorted({report_region(r[0]) for r in reports})
    years = sorted({int(r[1]) for r in reports if r[1].isdigit()})
    region = rng.choice(regions)
    lo = rng.choice(years_with or years)
    hi = lo + rng.randint(0, 12)
    rid = rng.choice(reports)[0]
    other = rng.choice(regions)
    kinds = [
        (f"region:{region}", lambda i, y, g: g == region),
        (f"-region:{region}", lambda i, y, g: g != region),
        (f"year:{lo}..{hi}", lambda i, y, g: y.isdigit() and lo <= int(y) <= hi),
        (f"NOT year:..{lo}", lambda i, y, g: not (y.isdigit() and int(y) <= lo)),
        (f"year:{lo}..{hi} region:{region}",
         lambda i, y, g: y.isdigit() and lo <= int(y) <= hi and g == region),
        (f"year:{lo}.. -region:{region}",
         lambda i, y, g: y.isdigit() and int(y) >= lo and g != region),
        (f"region:{region},{other}", lambda i, y, g: g in (region, other)),
        (f"(region:{region} OR year:{lo})",
         lambda i, y, g: g == region or y == str(lo)),
        (f"-report:{rid}", lambda i, y, g: i != rid),
        (f"report:{rid}", lambda i, y, g: i == rid),
    ]
    return rng.choice(kinds)


def count_json(baogao, idx, query, by):
    out = subprocess.run([baogao, "--index", idx, "--json", "count", "--by", by, "--",
                          query], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"count {query!r} --by {by}: {out.stderr}")
    return json.loads(out.stdout)


def check_filtered(baogao, idx, q, quoted, reports, oracle, qu, rng, years_with):
    """count QUERY FILTER --by year|region|report against the oracle over the
    kept reports; the slow path (the phrase ORed with itself) must agree
    with the fast one; the reports summed by year equal the year buckets."""
    fexpr, keep = random_filter(rng, reports, years_with)
    bad = 0
    want = {}
    for by in ("year", "region", "report"):
        w = {}
        for rid, year, paras in reports:
            region = report_region(rid)
            if not keep(rid, year, region):
                continue
            key = {"year": year if year.isdigit() else "unknown", "region": region,
                   "report": rid}[by]
            b = w.setdefault(key, {"reports": 0, "reports_total": 0, "paragraphs": 0,
                                   "occurrences": 0, "units": 0})
            b["reports_total"] += 1
            b["units"] += sum(len(p) for p in paras)
            hit = 0
            for p in paras:
                c = oracle.count(p, qu)
                if c:
                    hit = 1
                    b["paragraphs"] += 1
                    b["occurrences"] += c
            b["reports"] += hit
        for b in w.values():
            b["per_10k"] = round(b["occurrences"] * 1e4 / b["units"], 2) if b["units"] else 0
        want[by] = w
        for query in (f"{quoted} {fexpr}", f"({quoted} OR {quoted}) {fexpr}"):
            got = count_json(baogao, idx, query, by)
            gb = {b["key"]: b for b in got["buckets"]}
            if set(gb) != set(w):
                bad += 1
                print(f"FILTERED BUCKETS DIFFER {query!r} --by {by}: "
                      f"only oracle {sorted(set(w) - set(gb))[:5]}, "
                      f"only baogao {sorted(set(gb) - set(w))[:5]}")
                continue
            for key, wb in w.items():
                g = {k: gb[key][k] for k in wb}
                if g != wb:
                    bad += 1
                    print(f"FILTERED COUNT DIFFERS {query!r} --by {by} {key}: "
                          f"oracle {wb}, baogao {g}")
    # The reports of each year add up to the year's bucket.
    sums = {}
    for rid, b in want["report"].items():
        year = rid.split("_")[0]
        s = sums.setdefault(year if year.isdigit() else "unknown",
                            {"reports": 0, "reports_total": 0, "paragraphs": 0,
                             "occurrences": 0, "units": 0})
        for k in s:
            s[k] += b[k]
    for year, s in sums.items():
        y = {k: want["year"][year][k] for k in s}
        if y != s:
            bad += 1
            print(f"REPORTS DO NOT ADD UP TO YEAR {year} under {fexpr!r}: {s} vs {y}")
    return bad


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
        filtered = 0
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
            # Under filters, every figure of every bucket, by year, region
            # and report, from exactly the reports the filters keep.
            if rng.random() < 0.5:
                filtered += 1
                bad += check_filtered(baogao, idx, q, quoted, reports, oracle, qu,
                                      rng, years_with)
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
              f"{lines_checked} kwic lines checked, {filtered} filtered counts by year, "
              f"region and report, {bad} differences, seed {seed}")
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
