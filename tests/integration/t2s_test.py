#!/usr/bin/env python3
"""t2s_test.py - Traditional to Simplified folding (baogao-index --t2s).

1. The table, as the engine applies it (`baogao --json units --t2s` over
   every Han code point), against OpenCC itself: its TSCharacters
   dictionary dumped with `opencc_dict` (first candidate, closed under
   itself) and the `opencc -c t2s.json` command on each character alone.
   Every folded character is also left alone by NFKC and case folding, and
   folding is idempotent.
2. tests/data/t2s (a report in Traditional characters, its Simplified
   twin, a report mixing both), indexed with --t2s and without:
   - with --t2s, 發展 and 发展 find exactly the same paragraphs with the
     same highlights, each highlight covering the text as it stands in the
     source (Traditional where the source is); region filters fold too;
     count, kwic, similar and compare fold as search does;
   - without, they do not;
   - the option survives a second indexer run (a report added without the
     flag is folded), a compaction, and an index created empty; a
     conflicting --t2s / --no-t2s is refused with status 2.
3. Random substrings of the fixtures and of the shared reports (the
   Traditional ones of corpus/extra among them), in both scripts, searched
   in a --t2s index and compared with a brute-force search over the
   reference oracle's units (../shared/oracle/units.py) folded with the
   table from OpenCC's data: the same paragraphs and occurrences.

usage: t2s_test.py BAOGAO INDEXER FIXTURES SHARED_DIR [QUERIES]
Exit 77 (skipped) without the opencc tools; part 3 and the brute-force
checks of part 2 need the oracle and are skipped without it.
"""
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata

FAILS = []


def check(cond, msg):
    if not cond:
        FAILS.append(msg)
        print("FAIL:", msg)
    return cond


def run(cmd, ok=(0,), **kw):
    p = subprocess.run(cmd, capture_output=True, **kw)
    if p.returncode not in ok:
        raise SystemExit("command failed (%d): %s\n%s" % (
            p.returncode, " ".join(cmd), p.stderr.decode(errors="replace")))
    return p


def is_han(o):
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x323AF or o in (0x3005, 0x3007, 0x303B))


def nfkc_cf(s):
    return unicodedata.normalize("NFKC", s).casefold()


# ---- 1. the table -------------------------------------------------------

def opencc_reference(tmp):
    """OpenCC's TSCharacters, first candidate, identities dropped, closed."""
    dump = os.path.join(tmp, "TSCharacters.txt")
    src = None
    for d in ("/usr/share/opencc", "/usr/local/share/opencc"):
        if os.path.exists(os.path.join(d, "TSCharacters.ocd2")):
            src = os.path.join(d, "TSCharacters.ocd2")
    if not src:
        return None
    run(["opencc_dict", "-i", src, "-o", dump, "-f", "ocd2", "-t", "text"])
    first = {}
    with open(dump, encoding="utf-8") as f:
        for line in f:
            k, v = line.rstrip("\n").split("\t")
            c = v.split(" ")[0]
            if len(k) == 1 and len(c) == 1 and c != k:
                first[k] = c
    closed = {}
    for k, v in first.items():
        seen = 0
        while v in first and first[v] != v and seen < 10:
            v, seen = first[v], seen + 1
        closed[k] = v
    return closed


def engine_fold(baogao, chars):
    """What the engine makes of each character: its folded unit."""
    out = {}
    step = 2000
    lines = ["".join(chars[i:i + step]) for i in range(0, len(chars), step)]
    p = run([baogao, "--json", "units", "--t2s"],
            input="\n".join(lines).encode() + b"\n")
    for line, js in zip(lines, p.stdout.decode().splitlines()):
        units = json.loads(js)["units"]
        check(len(units) == len(line), "one unit per Han character")
        for u in units:
            out[line[u["start"]]] = u["unit"]
    return out


def check_table(baogao, ref):
    chars = [chr(o) for o in range(0x3400, 0x323B0) if is_han(o)]
    eng = engine_fold(baogao, chars)
    bad = [(c, eng.get(c), ref.get(nfkc_cf(c), nfkc_cf(c)))
           for c in chars if eng.get(c) != ref.get(nfkc_cf(c), nfkc_cf(c))]
    check(not bad, "engine fold = OpenCC TSCharacters first candidate: %d "
          "differ, e.g. %r" % (len(bad), bad[:5]))
    mapped = [c for c in chars if eng[c] != nfkc_cf(c)]
    # The opencc command on each character alone, repeated to a fixed point.
    p = run(["opencc", "-c", "t2s.json"],
            input=("\n".join(chars) + "\n").encode())
    conv = dict(zip(chars, p.stdout.decode().split("\n")))
    bad = []
    for c in chars:
        v, k = nfkc_cf(c), 0
        while conv.get(v, v) != v and k < 10:
            v, k = conv[v], k + 1
        if eng[c] != v:
            bad.append((c, eng[c], v))
    check(not bad, "engine fold = opencc t2s per character: %d differ, e.g. "
          "%r" % (len(bad), bad[:5]))
    bad = [c for c in chars if nfkc_cf(eng[c]) != eng[c] or
           eng.get(eng[c], eng[c]) != eng[c] or not is_han(ord(eng[c]))]
    check(not bad, "folded characters are Han, normalized and fixed: %r"
          % bad[:5])
    print("table: %d Han code points, %d folded (%d rows from OpenCC's data)"
          % (len(chars), len(mapped), len(ref)))


# ---- reference search ---------------------------------------------------

SEP = "\x00"  # never inside a unit: control characters are dropped


class Ref:
    """Brute-force search over the oracle's units, folded or not.  A
    paragraph's units are kept joined by SEP, so counting a phrase's
    occurrences is finding SEP u1 SEP u2 ... SEP (overlaps included), the
    same as comparing unit lists at every offset, only faster."""

    def __init__(self, oracle, table, files, fold):
        self.oracle, self.table, self.fold = oracle, table, fold
        self.paras = {}  # report id -> [unit lists]
        self.text = {}
        for f in files:
            rid = os.path.splitext(os.path.basename(f))[0]
            ps = oracle.paragraphs(f)
            self.text[rid] = ps
            self.paras[rid] = [SEP + SEP.join(self.units(p)) + SEP
                               for p in ps]

    def units(self, s):
        u = self.oracle.units(s)
        if self.fold:
            u = [self.table.get(x, x) if len(x) == 1 else x for x in u]
        return u

    def search(self, q):
        """{(report, para): occurrences} of phrase q."""
        qs = SEP + SEP.join(self.units(q)) + SEP
        res = {}
        for rid, ps in self.paras.items():
            for i, p in enumerate(ps):
                n, at = 0, p.find(qs)
                while at >= 0:
                    n += 1
                    at = p.find(qs, at + 1)
                if n:
                    res[(rid, i + 1)] = n
        return res


def search_all(baogao, idx, q):
    p = run([baogao, "--index", idx, "--json", "search", "--all", "--", q])
    return json.loads(p.stdout)


def hits_of(res):
    return {(h["report"], h["para"]): h for h in res["hits"]}


# ---- 2. the fixtures ----------------------------------------------------

def check_fixtures(baogao, indexer, fixtures, tmp, ref_on, ref_off):
    files = sorted(glob.glob(os.path.join(fixtures, "*.txt")))
    on = os.path.join(tmp, "on")
    off = os.path.join(tmp, "off")
    run([indexer, "--index", on, "--t2s", "-q"] + files)
    run([indexer, "--index", off, "-q"] + files)
    stats = json.loads(run([baogao, "--index", on, "--json", "stats"]).stdout)
    check(stats.get("fold") == "t2s", "stats of a --t2s index say fold t2s")
    stats = json.loads(run([baogao, "--index", off, "--json", "stats"]).stdout)
    check(stats.get("fold") == "none", "stats of a plain index say fold none")

    for trad, simp in [("發展", "发展"), ("高質量發展", "高质量发展"),
                       ("經濟發展", "经济发展"), ("岂能", "豈能"),
                       ("ＧＤＰ總量", "gdp总量"), ("後來者", "后来者")]:
        a, b = search_all(baogao, on, trad), search_all(baogao, on, simp)
        ha, hb = hits_of(a), hits_of(b)
        check(a["total"] > 0 and set(ha) == set(hb),
              "--t2s: %s and %s find the same paragraphs (%d, %d)"
              % (trad, simp, a["total"], b["total"]))
        for k in ha.keys() & hb.keys():
            check(ha[k]["matches"] == hb[k]["matches"],
                  "--t2s: same highlights for %s and %s in %s" % (trad, simp, k))
            text = ha[k]["text"]
            for s, e in ha[k]["matches"]:
                check(ref_on is None or ref_on.units(text[s:e]) ==
                      ref_on.units(simp),
                      "--t2s: highlight %r of %s in %s" % (text[s:e], simp, k))
        # The Traditional report is highlighted in its own characters.
        for k, h in ha.items():
            if k[0] == "2022_香港特別行政區":
                spans = [h["text"][s:e] for s, e in h["matches"]]
                check(all(sp != simp or simp == trad for sp in spans if
                          not sp.isascii()) and spans,
                      "--t2s: Traditional text highlighted as it stands: %r"
                      % spans)
        if ref_on:
            want = ref_on.search(simp)
            check(set(want) == set(ha), "--t2s: %s as the reference finds it"
                  % simp)
            check(sum(len(h["matches"]) for h in ha.values()) ==
                  sum(want.values()), "--t2s: occurrences of %s" % simp)
        a, b = search_all(baogao, off, trad), search_all(baogao, off, simp)
        check(set(hits_of(a)) != set(hits_of(b)),
              "no folding: %s and %s find different paragraphs" % (trad, simp))
        if ref_off:
            for q, r in ((trad, a), (simp, b)):
                check(set(ref_off.search(q)) == set(hits_of(r)),
                      "no folding: %s as the reference finds it" % q)

    # Filters fold too; so do the other views.
    r = search_all(baogao, on, "region:香港特別行政區")
    check({h["report"] for h in r["hits"]} ==
          {"2022_香港特別行政區", "2023_香港特别行政区"},
          "--t2s: region:香港特別行政區 selects both scripts")
    r = search_all(baogao, off, "region:香港特別行政區")
    check({h["report"] for h in r["hits"]} == {"2022_香港特別行政區"},
          "no folding: region:香港特別行政區 selects one report")
    c1 = json.loads(run([baogao, "--index", on, "--json", "count", "發展",
                         "--by", "report"]).stdout)
    c2 = json.loads(run([baogao, "--index", on, "--json", "count", "发展",
                         "--by", "report"]).stdout)
    check(c1["buckets"] == c2["buckets"], "--t2s: count 發展 = count 发展")
    k1 = json.loads(run([baogao, "--index", on, "--json", "kwic", "發展"]).stdout)
    k2 = json.loads(run([baogao, "--index", on, "--json", "kwic", "发展"]).stdout)
    check(k1["lines"] == k2["lines"] and k1["total"] > 0,
          "--t2s: kwic 發展 = kwic 发展")
    check(any(l["match"] == "發展" for l in k1["lines"]) and
          any(l["match"] == "发展" for l in k1["lines"]),
          "--t2s: kwic shows each match as it stands in the source")
    s = json.loads(run([baogao, "--index", on, "--json", "similar",
                        "2022_香港特別行政區#3"]).stdout)
    check(s["hits"] and s["hits"][0]["report"] == "2023_香港特别行政区" and
          s["hits"][0]["para"] == 3 and s["hits"][0]["similarity"] == 1,
          "--t2s: similar finds the Simplified twin at similarity 1")
    cmp = json.loads(run([baogao, "--index", on, "--json", "compare",
                          "2022_香港特別行政區", "2023_香港特别行政区"]).stdout)
    sims = {p["a_para"]: p["similarity"] for p in cmp["pairs"]}
    check(all(sims.get(i) == 1 for i in range(2, 8)),
          "--t2s: compare pairs the twins' paragraphs at similarity 1: %r"
          % sims)

    # Sticky: a second run without the flag folds the report it adds.
    more = os.path.join(tmp, "more")
    os.makedirs(more)
    shutil.copy(files[0], os.path.join(more, "2025_臺北.txt"))
    run([indexer, "--index", on, "-q", more])
    r = hits_of(search_all(baogao, on, "发展"))
    check(any(k[0] == "2025_臺北" for k in r),
          "a report added by a later run without --t2s is folded")
    run([indexer, "--index", on, "-q", "--compact", more])
    check(json.loads(run([baogao, "--index", on, "--json", "stats"])
                     .stdout).get("fold") == "t2s", "compaction keeps --t2s")
    # Conflicting flags are refused, the index untouched.
    p = run([indexer, "--index", on, "--no-t2s", "-q", more], ok=(2,))
    check(b"--t2s" in p.stderr, "--no-t2s on a --t2s index: a clear error")
    p = run([indexer, "--index", off, "--t2s", "-q", more], ok=(2,))
    check(b"without --t2s" in p.stderr,
          "--t2s on a plain index: a clear error")
    check(not any(k[0] == "2025_臺北"
                  for k in hits_of(search_all(baogao, off, "發展"))),
          "a refused run adds nothing")
    run([indexer, "--index", on, "--t2s", "-q", more])  # same flag: fine
    # An index created empty keeps the flag it was created with.
    empty = os.path.join(tmp, "empty")
    run([indexer, "--index", empty, "--t2s", "-q",
         os.path.join(tmp, "missing.txt")], ok=(1,))
    run([indexer, "--index", empty, "-q", more])
    check(json.loads(run([baogao, "--index", empty, "--json", "stats"])
                     .stdout).get("fold") == "t2s",
          "an index created empty with --t2s keeps it")
    run([indexer, "--index", os.path.join(tmp, "e2"), "--t2s", "-q",
         os.path.join(tmp, "missing.txt")], ok=(1,))
    run([indexer, "--index", os.path.join(tmp, "e2"), "--no-t2s", "-q", more])
    check(json.loads(run([baogao, "--index", os.path.join(tmp, "e2"), "--json",
                          "stats"]).stdout).get("fold") == "none",
          "an empty index may still change its folding")
    print("fixtures: checked")


# ---- 3. random substrings ----------------------------------------------

def check_random(baogao, indexer, files, tmp, ref, table, nq, rng):
    idx = os.path.join(tmp, "rand")
    run([indexer, "--index", idx, "--t2s", "-q"] + files)
    inverse = {}
    for k, v in table.items():
        inverse.setdefault(v, k)
    reports = [(rid, ps) for rid, ps in ref.text.items() if ps]
    bad = 0
    for i in range(nq):
        rid, ps = rng.choice(reports)
        p = rng.choice(ps)
        k = rng.randint(1, 8)
        s = rng.randrange(0, max(1, len(p) - k + 1))
        q = p[s:s + k]
        if i % 3 == 1:  # the other script
            q = "".join(inverse.get(c, c) for c in q)
        elif i % 3 == 2:
            q = "".join(table.get(c, c) for c in q)
        q = q.replace('"', "")
        if not ref.units(q):
            continue
        want = ref.search(q)
        got = hits_of(search_all(baogao, idx, '"%s"' % q))
        occ = sum(len(h["matches"]) for h in got.values())
        if not check(set(want) == set(got) and occ == sum(want.values()),
                     "random %r: reference %d paragraphs / %d occurrences, "
                     "engine %d / %d" % (q, len(want), sum(want.values()),
                                         len(got), occ)):
            bad += 1
            if bad > 10:
                break
    print("random: %d queries over %d reports" % (nq, len(reports)))


def main():
    baogao, indexer, fixtures, shared = sys.argv[1:5]
    nq = int(sys.argv[5]) if len(sys.argv) > 5 else 300
    if not shutil.which("opencc") or not shutil.which("opencc_dict"):
        print("skipped: the opencc tools are not installed "
              "(scripts/install-deps.sh installs them)")
        return 77
    tmp = tempfile.mkdtemp(prefix="bg-t2s-")
    try:
        table = opencc_reference(tmp)
        if table is None:
            print("skipped: no TSCharacters.ocd2")
            return 77
        check_table(baogao, table)
        oracle = None
        oracle_dir = os.path.join(shared, "oracle")
        if os.path.exists(os.path.join(oracle_dir, "units.py")):
            sys.path.insert(0, oracle_dir)
            import units as oracle
        else:
            print("note: no oracle at %s: brute-force checks skipped"
                  % oracle_dir)
        fx = sorted(glob.glob(os.path.join(fixtures, "*.txt")))
        ref_on = Ref(oracle, table, fx, True) if oracle else None
        ref_off = Ref(oracle, table, fx, False) if oracle else None
        check_fixtures(baogao, indexer, fixtures, tmp, ref_on, ref_off)
        if oracle:
            rng = random.Random(int(os.environ.get("BAOGAO_SEED", "4242")))
            extra = sorted(glob.glob(os.path.join(shared, "corpus", "extra",
                                                  "*", "*.txt")))
            main_reports = sorted(glob.glob(os.path.join(shared, "corpus",
                                                         "*.txt")))
            files = fx + extra + rng.sample(main_reports,
                                            min(12, len(main_reports)))
            ref = Ref(oracle, table, files, True)
            check_random(baogao, indexer, files, tmp, ref, table, nq, rng)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        print("%d checks failed" % len(FAILS))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
