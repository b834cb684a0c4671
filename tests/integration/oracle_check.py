#!/usr/bin/env python3
"""oracle_check.py - the engine against the Python oracle of the contract.

An independent check of the matching contract (DESIGN.md): the reference
here is ../shared/oracle/units.py, which shares no code with the engine.
Random queries are drawn from the indexed reports (substrings of 1-12
units written back as the source text that holds them, phrases joined
across punctuation, pieces of multi-digit numbers, strings glued from two
paragraphs, random CJK bigrams), each is run through the real
`baogao --index DIR --json search "QUERY" --all`, and the answer must be
exactly what the oracle says: every paragraph whose oracle units contain
the query's oracle units contiguously and no other, the exact total, each
hit's text as the oracle reads the paragraph, and its matches: every
occurrence as [first, end) code points of the text, which are found by
normalizing the paragraph one code point at a time (when that gives the
same text as normalizing it whole; else each match is only checked to
normalize to the query's units).

    oracle_check.py --baogao BIN --index DIR --files F...
    oracle_check.py --baogao BIN --build-index INDEXER --corpus DIR
                    [--shared-corpus DIR]

The second form indexes the .txt reports under --corpus (recursively) and
the top-level *.txt of --shared-corpus (when it exists) into a temporary
folder first.  Exits 0 when everything agrees, 1 on any difference (each
one described), and 0 with "skipped: ..." when the oracle is not there.
Python 3 standard library only.
"""
import argparse
import array
import bisect
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

SEP = "\x00"   # between units in the search string; never inside a unit
PSEP = "\x01"  # between paragraphs


def parse_args():
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("BAOGAO_SHARED_DIR",
                            os.path.join(here, "..", "..", "..", "shared"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baogao", required=True, help="the baogao program")
    ap.add_argument("--index", help="an index of exactly --files")
    ap.add_argument("--files", nargs="*", default=[],
                    help="the .txt reports in --index")
    ap.add_argument("--build-index", metavar="INDEXER",
                    help="build the index with this baogao-index first")
    ap.add_argument("--corpus", help="folder of .txt reports (recursive)")
    ap.add_argument("--shared-corpus", help="folder of more .txt reports "
                    "(top level only; skipped when absent)")
    ap.add_argument("--oracle", default=os.path.join(shared, "oracle"),
                    help="folder holding units.py")
    ap.add_argument("-n", "--queries", type=int,
                    default=int(os.environ.get("BAOGAO_ORACLE_QUERIES", 300)))
    ap.add_argument("--seed", type=int,
                    default=int(os.environ.get("BAOGAO_SEED", 20240601)))
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every query")
    a = ap.parse_args()
    if not a.build_index and not (a.index and a.files):
        ap.error("give --index DIR --files F..., or --build-index INDEXER "
                 "--corpus DIR")
    if a.build_index and not a.corpus:
        ap.error("--build-index needs --corpus")
    return a


def collect_files(corpus, shared):
    files = []
    for root, dirs, names in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [os.path.join(root, n) for n in sorted(names)
                  if n.endswith(".txt") and not n.startswith(".")]
    if shared and os.path.isdir(shared):
        for n in sorted(os.listdir(shared)):
            p = os.path.join(shared, n)
            if n.endswith(".txt") and os.path.isfile(p):
                files.append(p)
    elif shared:
        print(f"shared corpus {shared} not found: testing {corpus} only")
    return files


class Para:
    __slots__ = ("report", "num", "text", "units", "first", "spans")

    def __init__(self, report, num, text, units, first):
        self.report, self.num, self.text = report, num, text
        self.units, self.first = units, first
        self.spans = None  # per unit [start, end) code points, or False


class Corpus:
    """The oracle's view of the reports: paragraphs, units, and one string
    of all units for finding phrases with str.find."""

    def __init__(self, U, files):
        self.U = U
        self.paras = []
        self.fold_cache = {}
        parts, ustarts, first = [], array.array("q"), 0
        pos = 0
        ids = set()
        for path in files:
            rid = os.path.basename(path)[:-len(".txt")]
            if rid in ids:
                continue
            ids.add(rid)
            for k, text in enumerate(self.paragraphs(path)):
                us = U.units(text)
                self.paras.append(Para(rid, k + 1, text, us, first))
                piece = PSEP + SEP
                pos += len(piece)
                for u in us:
                    ustarts.append(pos)
                    pos += len(u) + 1
                parts.append(piece + SEP.join(us) + SEP)
                first += len(us)
        self.big = "".join(parts)
        self.ustarts = ustarts
        self.pfirst = array.array("q", (p.first for p in self.paras))
        self.nunits = first
        self.by_key = {(p.report, p.num): i for i, p in enumerate(self.paras)}

    def paragraphs(self, path):
        """oracle.paragraphs(), but a UTF-8 byte order mark at the start is
        no part of the text (the engine drops it when it reads a file)."""
        with open(path, encoding="utf-8-sig") as f:
            return [ln.strip() for ln in f if ln.strip()]

    def fold(self, s):
        return unicodedata.normalize("NFKC", s).casefold()

    def spans(self, p):
        """The source code points [start, end) of each oracle unit of p,
        or False when the text does not normalize one code point at a
        time."""
        if p.spans is not None:
            return p.spans
        cache, norm, src = self.fold_cache, [], []
        for i, c in enumerate(p.text):
            f = cache.get(c)
            if f is None:
                f = cache[c] = self.fold(c)
            norm.append(f)
            src.extend([i] * len(f))
        s = "".join(norm)
        if s != self.fold(p.text):
            p.spans = False
            return False
        out, at = [], 0
        for u in p.units:
            j = s.find(u, at)
            if j < 0:
                p.spans = False
                return False
            out.append((src[j], src[j + len(u) - 1] + 1))
            at = j + len(u)
        p.spans = out
        return out

    def para_of(self, g):
        return bisect.bisect_right(self.pfirst, g) - 1

    def find(self, qunits):
        """{paragraph index: [unit offsets in it]} of every occurrence."""
        out = {}
        if not qunits:
            return out
        needle = SEP + SEP.join(qunits) + SEP
        big, at = self.big, 0
        while True:
            j = big.find(needle, at)
            if j < 0:
                return out
            g = bisect.bisect_left(self.ustarts, j + 1)
            pi = self.para_of(g)
            out.setdefault(pi, []).append(g - self.paras[pi].first)
            at = j + 1


class Draw:
    """The query recipe of test_exact.c, over the oracle's units."""

    def __init__(self, C, rng):
        self.C, self.rng = C, rng
        self.punct, self.num = [], []
        for pi, p in enumerate(C.paras):
            for i, u in enumerate(p.units):
                if 0 < i < len(p.units) - 1 and len(u) == 1 and \
                        not C.U.is_cjk(u) and not C.U.is_alnum(u):
                    self.punct.append((pi, i))
                elif C.U.is_alnum(u[0]) and len(u) >= 2:
                    self.num.append((pi, i))

    def source(self, pi, s, e):
        """The source text of units s..e of paragraph pi (None when the
        paragraph does not map units to code points)."""
        p = self.C.paras[pi]
        sp = self.C.spans(p)
        if not sp:
            return None
        return p.text[sp[s][0]:sp[e][1]]

    def random_unit(self):
        g = self.rng.randrange(self.C.nunits)
        pi = self.C.para_of(g)
        return pi, g - self.C.paras[pi].first

    def length(self):
        r = self.rng.randrange(100)
        return 1 if r < 3 else 2 if r < 10 else 3 + self.rng.randrange(10)

    def substring(self, lo=None, hi=None):
        pi, i = self.random_unit()
        n = self.length() if lo is None else self.rng.randint(lo, hi)
        nu = len(self.C.paras[pi].units)
        n = min(n, nu)
        s = min(i, nu - n)
        return self.source(pi, s, s + n - 1)

    def join(self):
        pi, i = self.rng.choice(self.punct)
        nu = len(self.C.paras[pi].units)
        k1 = min(self.rng.randint(1, 3), i)
        k2 = min(self.rng.randint(1, 3), nu - i - 1)
        a = self.source(pi, i - k1, i - 1)
        b = self.source(pi, i + 1, i + k2)
        return None if a is None or b is None else a + b

    def number(self):
        pi, i = self.rng.choice(self.num)
        p = self.C.paras[pi]
        sp = self.C.spans(p)
        if not sp or sp[i][1] - sp[i][0] < 2:
            return None
        cut = self.rng.randrange(sp[i][0] + 1, sp[i][1])
        k, nu = self.rng.randrange(4), len(p.units)
        if self.rng.random() < 0.5:
            return p.text[cut:sp[min(i + k, nu - 1)][1]]
        return p.text[sp[max(i - k, 0)][0]:cut]

    def cross(self):
        a, b = self.substring(1, 4), self.substring(1, 4)
        return None if a is None or b is None else a + b

    def straddle(self):
        """The end of one paragraph and the start of the next."""
        pi = self.rng.randrange(len(self.C.paras) - 1)
        a, b = self.C.paras[pi], self.C.paras[pi + 1]
        if a.report != b.report or not a.units or not b.units:
            return None
        k1 = min(self.rng.randint(1, 3), len(a.units))
        k2 = min(self.rng.randint(1, 3), len(b.units))
        x = self.source(pi, len(a.units) - k1, len(a.units) - 1)
        y = self.source(pi + 1, 0, k2 - 1)
        return None if x is None or y is None else x + y

    def respell(self, s):
        """The same units spelled otherwise: full-width ASCII, capitals,
        spaces and zero-width characters between units."""
        p = Para("", 0, s, self.C.U.units(s), 0)
        sp = self.C.spans(p)
        if not sp:
            return s
        cuts = {a for a, _ in sp[1:]}
        out = []
        for i, c in enumerate(s):
            if i in cuts and self.rng.random() < 0.4:
                out.append(self.rng.choice(
                    [" ", "\u3000", "\t", "\u200b", "\u00ad", "  "]))
            if "a" <= c <= "z" and self.rng.random() < 0.5:
                c = c.upper()
            if " " < c < "\x7f" and c != '"' and self.rng.random() < 0.5:
                c = chr(ord(c) - 0x21 + 0xFF01)
            out.append(c)
        return "".join(out)

    def bigram(self):
        out = ""
        for _ in range(2):
            if self.rng.random() < 0.7:
                while True:
                    pi, i = self.random_unit()
                    u = self.C.paras[pi].units[i]
                    if self.C.U.is_cjk(u[0]):
                        out += self.source(pi, i, i) or u
                        break
            else:
                out += chr(self.rng.randint(0x4E00, 0x9FFF))
        return out

    def phrase(self):
        r = self.rng.randrange(100)
        kind = ("substring" if r < 65 else "join" if r < 75 else
                "number" if r < 85 else "straddle" if r < 90 else
                "cross" if r < 95 else "bigram")
        while True:
            s = getattr(self, kind)()
            if s and self.rng.random() < 0.15:
                s = self.respell(s)
            if s and '"' not in s and "\x00" not in s and self.C.U.units(s):
                return kind, s


def run_query(baogao, index, q):
    r = subprocess.run([baogao, "--index", index, "--json", "search", q,
                        "--all"], capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"exit {r.returncode}: "
                           f"{r.stderr.decode('utf-8', 'replace').strip()}")
    return json.loads(r.stdout.decode("utf-8"))


def check(C, kind, raw, q, res, report):
    """Compares one answer with the oracle; returns (hits compared,
    differences)."""
    qunits = C.U.units(raw)
    want = C.find(qunits)
    bad = 0

    def diff(msg):
        nonlocal bad
        bad += 1
        if bad <= 5:
            report(f"{q} ({kind}; oracle units {qunits}): {msg}")

    if res.get("total") != len(want) or len(res.get("hits", [])) != len(want):
        diff(f"total {res.get('total')}, {len(res.get('hits', []))} hits; "
             f"oracle {len(want)}")
    got = {}
    for h in res.get("hits", []):
        key = (h["report"], h["para"])
        pi = C.by_key.get(key)
        if pi is None:
            diff(f"hit {key} is no paragraph of the oracle")
            continue
        if pi in got:
            diff(f"hit {key} comes twice")
        got[pi] = h
    for pi in sorted(set(want) | set(got)):
        p = C.paras[pi]
        where = f"{p.report} para {p.num}"
        if pi not in got:
            diff(f"missing {where}: {p.text[:200]}")
            continue
        if pi not in want:
            diff(f"extra {where} (oracle units there: "
                 f"{p.units[:60]}...): {p.text[:200]}")
            continue
        h = got[pi]
        if h["text"] != p.text:
            diff(f"{where}: text\n  oracle {p.text[:300]!r}\n"
                 f"  got    {h['text'][:300]!r}")
            continue
        matches = [tuple(m) for m in h["matches"]]
        sp = C.spans(p)
        if sp:
            n = len(qunits)
            exp = sorted({(sp[i][0], sp[i + n - 1][1]) for i in want[pi]})
            if matches != exp:
                diff(f"{where}: matches\n  oracle {exp}\n  got    {matches}"
                     f"\n  text {p.text[:300]}")
        else:
            # No code point map: each match must hold the phrase, and there
            # must be as many as the oracle finds (fewer only when two
            # occurrences come from the same code points).
            for s, e in matches:
                if C.U.units(p.text[s:e]) != qunits:
                    diff(f"{where}: match [{s},{e}) is {p.text[s:e]!r}")
            if not (0 < len(matches) <= len(want[pi])) or \
                    matches != sorted(set(matches)):
                diff(f"{where}: {len(matches)} matches {matches}; oracle "
                     f"finds {len(want[pi])} occurrences")
    return len(got), bad


def main():
    a = parse_args()
    units_py = os.path.join(a.oracle, "units.py")
    if not os.path.isfile(units_py):
        print(f"skipped: no oracle at {units_py}")
        return 0
    sys.path.insert(0, os.path.abspath(a.oracle))
    import units as U  # noqa: E402  (the oracle, found at run time)

    tmp = None
    try:
        if a.build_index:
            files = collect_files(a.corpus, a.shared_corpus)
            tmp = tempfile.mkdtemp(prefix="baogao-oracle-")
            index = os.path.join(tmp, "index")
            t0 = time.time()
            r = subprocess.run([a.build_index, "--index", index, "-q"] + files)
            if r.returncode != 0:
                print(f"FAIL: {a.build_index} exited with {r.returncode}")
                return 1
            print(f"indexed {len(files)} files in {time.time() - t0:.1f} s")
        else:
            files, index = a.files, a.index

        t0 = time.time()
        C = Corpus(U, files)
        print(f"oracle: {len(C.paras)} paragraphs, {C.nunits} units, "
              f"read in {time.time() - t0:.1f} s")
        rng = random.Random(a.seed)
        D = Draw(C, rng)
        print(f"seed {a.seed} (BAOGAO_SEED), {a.queries} queries "
              f"(BAOGAO_ORACLE_QUERIES)")
        failures, hits, empty, ndiff = [], 0, 0, 0
        t0 = time.time()
        for k in range(a.queries):
            kind, raw = D.phrase()
            q = '"' + raw + '"'
            try:
                res = run_query(a.baogao, index, q)
            except (RuntimeError, ValueError) as e:
                failures.append(f"{q} ({kind}): {e}")
                ndiff += 1
                continue
            if a.verbose:
                print(f"q#{k} [{kind}] {q} -> {res.get('total')}")
            n, bad = check(C, kind, raw, q, res, failures.append)
            hits += n
            ndiff += bad
            empty += res.get("total") == 0
        print(f"oracle check: {a.queries} queries ({empty} with no hit), "
              f"{hits} hits compared, {ndiff} differences; "
              f"{time.time() - t0:.1f} s")
        for f in failures[:40]:
            print("DIFFERENCE " + f)
        if len(failures) > 40:
            print(f"... and {len(failures) - 40} more")
        return 1 if ndiff else 0
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
