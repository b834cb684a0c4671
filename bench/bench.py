#!/usr/bin/env python3
"""bench.py - baogao against SQLite FTS5 (trigram) and ripgrep, in one run.

usage: bench.py --build DIR --out DIR [--runs N] [--cli-runs N] [--rg-runs N]
                [--seed N] [--duration SECS] [--cat-duration SECS] [--formats LIST]
                [--no-scale-check] PATH...

PATH... make up ONE corpus: a file is taken as it is; a folder gives its
top-level *.txt files and every *.md file under it (README.md excluded), so
`../shared/corpus` is its 120 reports and `../shared/scale` its 5,190
Markdown files.  Two files with the same name (the same report id) keep the
first one in sorted order.  `bench/run.sh` installs what this needs, builds
baogao and calls it; see the Benchmarks section of README.md.

--formats LIST (e.g. 4,6) measures one baogao index per index format listed
(`baogao-index --format N`, in OUT/baogao-index-fN): steps 1 to 4 are done
for each format's index (FTS5 and rg once), step 5 for the last format
listed (the one the report's targets are for).  Without it: one index
(OUT/baogao-index) in the indexer's default format, and the report reads
as it always did.

What it does, all in one run over the same files:
  1. builds the baogao index (baogao-index, under /usr/bin/time -v) and an
     SQLite FTS5 table (tokenize='trigram', one row per paragraph, built by
     a child `bench.py fts5-build` under /usr/bin/time -v): build time, peak
     memory, size, size / raw text, and baogao's size by Xapian table;
  2. computes the exact paragraph count of every query of the mix by brute
     force with the reference oracle of the matching contract
     (../shared/oracle/units.py, else tests/oracle): exit status 1 when any
     of baogao's counts (of any format) differs from it;
  3. times every query through baogao (searchd without its answer cache
     over one keep-alive HTTP connection; the CLI's own took_ms; the whole
     CLI command), FTS5 (one
     long-lived sqlite3 connection; the complete answer and count only) and
     rg -F over the files, plus `baogao count --by year`;
  4. loads searchd with wrk, 16 keep-alive connections: without the answer
     cache (--cache-mb 0, every answer computed), then with it as it is by
     default (the mix repeats, so most answers come from the cache); then,
     still without the cache, each query category of the mix alone for
     --cat-duration seconds (default max(3, duration / 6); 0: not done),
     to see which categories bound the mix's requests/s;
  5. with more than one PATH, indexes the first PATH alone and loads searchd
     on it too, to see whether memory grows with the corpus;
  6. prints the report: figures, targets, count differences by engine;
     with several formats, first a table of them side by side with FTS5
     and rg, and the targets of the last format listed.
"""
import argparse
import bisect
import glob
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from array import array
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TTY = sys.stderr.isatty()


def progress(msg, final=False):
    """A progress line on standard error: rewritten in place on a terminal."""
    if TTY:
        sys.stderr.write("\r\033[K" + msg + ("\n" if final else ""))
    elif final:
        sys.stderr.write(msg + "\n")
    sys.stderr.flush()


# ---------------------------------------------------------------- the corpus

def collect(paths):
    """The corpus files of PATH...: (files, number of duplicates dropped)."""
    found = []
    for p in paths:
        if os.path.isfile(p):
            found.append(os.path.abspath(p))
            continue
        if not os.path.isdir(p):
            sys.exit("bench.py: no such file or folder: " + p)
        found += sorted(glob.glob(os.path.join(p, "*.txt")))
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames.sort()
            for f in sorted(filenames):
                if f.endswith(".md") and f.lower() != "readme.md":
                    found.append(os.path.join(dirpath, f))
    files, seen, dropped = [], set(), 0
    for f in found:
        stem = os.path.basename(f)
        stem = stem[:-3] if stem.endswith(".gz") else stem
        stem = os.path.splitext(stem)[0]
        if stem in seen:
            dropped += 1
            continue
        seen.add(stem)
        files.append(os.path.abspath(f))
    return files, dropped


def front_matter(lines):
    """Lines after a Markdown front matter ("---" or "+++" to the next such
    line, or "..." for YAML), as core/source.c drops it."""
    if not lines or lines[0].rstrip(" \t") not in ("---", "+++"):
        return lines
    fence = lines[0].rstrip(" \t")
    for i in range(1, len(lines)):
        ln = lines[i].rstrip(" \t")
        if ln == fence or (fence == "---" and ln == "..."):
            return lines[i + 1:]
    return lines


def paragraphs(path):
    """The paragraphs of a .txt or .md file: its non-blank lines, stripped
    (a .md file without its front matter)."""
    with open(path, encoding="utf-8-sig", newline=None) as f:
        lines = f.read().split("\n")
    if path.endswith(".md"):
        lines = front_matter(lines)
    return [ln.strip() for ln in lines if ln.strip()]


def load_oracle():
    for d in (os.path.join(ROOT, "..", "shared", "oracle"),
              os.path.join(ROOT, "tests", "oracle")):
        if os.path.exists(os.path.join(d, "units.py")):
            sys.path.insert(0, os.path.abspath(d))
            import units
            return units, os.path.abspath(os.path.join(d, "units.py"))
    sys.exit("bench.py: no oracle units.py in ../shared/oracle or tests/oracle")


SEP = "\x01"


def encode_file(path):
    """One file's paragraphs as reference strings: SEP unit SEP unit ... SEP."""
    import units as oracle
    out = []
    for p in paragraphs(path):
        u = oracle.units(p)
        out.append(SEP + SEP.join(u) + SEP if u else SEP)
    return out


class Reference:
    """Brute-force paragraph sets over every paragraph's oracle units: the
    paragraphs, one per line, as SEP-separated units in one byte string, so
    that a phrase is a substring search for SEP + units + SEP."""

    def __init__(self, files, years, oracle_path):
        self.report_year = []
        starts = array("q")
        self.para_report = array("i")
        chunks, pos, done = [], 0, 0
        with Pool(min(2, os.cpu_count() or 1), initializer=sys.path.insert,
                  initargs=(0, os.path.dirname(oracle_path))) as pool:
            for ri, paras in enumerate(pool.imap(encode_file, files, 4)):
                self.report_year.append(years.get(files[ri]))
                for s in paras:
                    b = s.encode()
                    starts.append(pos)
                    self.para_report.append(ri)
                    chunks.append(b)
                    pos += len(b) + 1
                done += 1
                if done % 50 == 0 or done == len(files):
                    progress("reference: units of %d/%d files" % (done, len(files)))
        self.blob = b"\n".join(chunks)
        self.starts = starts
        self.npara = len(starts)
        self.nunits = self.blob.count(SEP.encode()) - self.npara
        progress("reference: %d paragraphs" % self.npara, final=True)

    def phrase(self, units):
        """The set of paragraphs whose units contain units contiguously."""
        if not units:
            return set()
        needle = (SEP + SEP.join(units) + SEP).encode()
        blob, starts, out = self.blob, self.starts, set()
        i = blob.find(needle)
        while i >= 0:
            k = bisect.bisect_right(starts, i) - 1
            out.add(k)
            end = blob.find(b"\n", i)
            if end < 0:
                break
            i = blob.find(needle, end)
        return out

    def year_ok(self, k, lo, hi):
        y = self.report_year[self.para_report[k]]
        return y is not None and (lo is None or y >= lo) and (hi is None or y <= hi)


# ----------------------------------------------------------- the query mix
#
# A query is a conjunction of clauses, each an OR of phrases, positive or
# negated, with an optional year range: the same structure is written in
# baogao's query language, as FTS5 MATCH / LIKE SQL, as an rg pipeline, and
# evaluated over the reference.

class Q:
    def __init__(self, cat, clauses, years=None):
        self.cat = cat
        self.clauses = clauses          # [(negated, [phrase, ...]), ...]
        self.years = years              # (lo, hi) with None for open, or None

    @staticmethod
    def phrase(cat, p):
        return Q(cat, [(False, [p])])

    def phrases(self):
        return [p for _, ps in self.clauses for p in ps]

    def baogao(self):
        parts = []
        for neg, ps in self.clauses:
            q = " OR ".join('"%s"' % p for p in ps)
            if len(ps) > 1:
                q = "(" + q + ")"
            parts.append(("-" if neg else "") + q)
        if self.years:
            lo, hi = self.years
            parts.append("year:%s..%s" % ("" if lo is None else lo, "" if hi is None else hi)
                         if lo != hi else "year:%d" % lo)
        return " ".join(parts)

    def label(self):
        parts = []
        for neg, ps in self.clauses:
            q = " OR ".join(ps)
            if len(ps) > 1 and len(self.clauses) > 1:
                q = "(" + q + ")"
            parts.append(("-" if neg else "") + q)
        if self.years:
            lo, hi = self.years
            parts.append("year:%s..%s" % ("" if lo is None else lo, "" if hi is None else hi)
                         if lo != hi else "year:%d" % lo)
        return " ".join(parts)

    def fts_phrase_only(self):
        """A single phrase of 3+ characters with no filter: FTS5's best case."""
        return (len(self.clauses) == 1 and not self.clauses[0][0]
                and len(self.clauses[0][1]) == 1 and len(self.clauses[0][1][0]) >= 3
                and not self.years)


SHORT = ["发展", "经济", "钢", "人民", "改革", "企业", "创新", "就业", "农业", "党", "水", "社会"]
POLICY = ["高质量发展", "稳中求进", "新质生产力", "供给侧结构性改革", "乡村振兴", "一带一路",
          "碳达峰", "共同富裕", "招商引资", "营商环境", "放管服", "人民代表大会",
          "改革开放", "全面建成小康社会", "生态文明建设", "国有企业"]
MIXED = ["5G", "GDP", "19.4亿元", "PM2.5", "CPI", "2035年", "3%左右", "R&D",
         "5%左右", "4G", "2020年", "ＧＤＰ"]
ABSENT = ["不存在的短语", "量子纠缠发展经济学", "xyzzyq", "钢城区火星基地",
          "高质量发展高质量发展高质量发展", "发展，，经济"]
BOOLEAN = [
    [(False, ["高质量发展"]), (False, ["招商引资"])],
    [(False, ["稳中求进", "稳中有进"])],
    [(False, ["发展"]), (True, ["经济"])],
    [(False, ["改革", "开放"]), (False, ["创新"])],
    [(False, ["碳达峰"]), (False, ["碳中和"])],
    [(False, ["教育"]), (False, ["医疗"]), (True, ["就业"])],
    [(False, ["人民"]), (False, ["幸福"])],
    [(False, ["乡村振兴", "脱贫攻坚"]), (True, ["疫情"])],
    [(False, ["数字经济"]), (False, ["人工智能", "大数据"])],
    [(False, ["钢"]), (False, ["铁"])],
]
YEARS = [
    ([(False, ["创新"])], (2018, 2023)),
    ([(False, ["疫情"])], (2020, None)),
    ([(False, ["发展"])], (2025, 2025)),
    ([(False, ["改革开放"])], (None, 1990)),
    ([(False, ["经济"])], (2026, 2026)),
    ([(False, ["高质量发展"])], (2017, None)),
    ([(False, ["人民"]), (True, ["经济"])], (1954, 1978)),
    ([(False, ["新质生产力"])], (2024, 2026)),
]

REPORT_NAME = re.compile(r"^\d{4}_.+\.txt$")
BAD = re.compile(r'[\s"]')


def sample(files, seed, n_long, n_mid):
    """Phrases copied from the reports with a fixed seed: n_long of 10-20
    characters (half from government reports YEAR_REGION.txt when there are
    any) and n_mid runs of 4-8 Han characters."""
    rng = random.Random(seed)
    reports = [f for f in files if REPORT_NAME.match(os.path.basename(f))] or files
    cache = {}

    def paras(f):
        if f not in cache:
            cache[f] = [p for p in paragraphs(f) if len(p) >= 30]
        return cache[f]

    out_long, out_mid, tries = [], [], 0
    while (len(out_long) < n_long or len(out_mid) < n_mid) and tries < 100000:
        tries += 1
        pool = reports if (tries % 2 == 0) else files
        f = pool[rng.randrange(len(pool))]
        ps = paras(f)
        if not ps:
            continue
        p = ps[rng.randrange(len(ps))]
        if len(out_long) < n_long:
            k = rng.randint(10, 20)
            i = rng.randrange(len(p) - k + 1)
            s = p[i:i + k]
            cut = (i > 0 and alnum(p[i - 1]) and alnum(p[i])) or \
                (i + k < len(p) and alnum(p[i + k - 1]) and alnum(p[i + k]))
            if not cut and not BAD.search(s) and sum(c >= "\u4e00" for c in s) >= k // 2 and s not in out_long:
                out_long.append(s)
                continue
        if len(out_mid) < n_mid:
            runs = re.findall(r"[\u4e00-\u9fff]{4,8}", p)
            if runs:
                s = runs[rng.randrange(len(runs))]
                s = s[:rng.randint(4, len(s))]
                if len(s) >= 4 and s not in out_mid:
                    out_mid.append(s)
    return out_long, out_mid


def alnum(c):
    """A letter or digit that is not CJK: such characters join into one unit,
    so a copied phrase must not start or end inside a run of them."""
    return (c.isalnum() or c == ".") and not ("\u3400" <= c <= "\u9fff")


def query_mix(files, seed):
    long_, mid = sample(files, seed, 20, 6)
    qs = [Q.phrase("short 1-2", p) for p in SHORT]
    qs += [Q.phrase("policy 4-8", p) for p in POLICY + mid]
    qs += [Q.phrase("long 10-20", p) for p in long_]
    qs += [Q.phrase("Latin/digit", p) for p in MIXED]
    qs += [Q.phrase("absent", p) for p in ABSENT]
    qs += [Q("boolean", c) for c in BOOLEAN]
    qs += [Q("year filter", c, y) for c, y in YEARS]
    return qs


CATS = ["short 1-2", "policy 4-8", "long 10-20", "Latin/digit", "absent",
        "boolean", "year filter"]


def reference_count(ref, oracle, q):
    result = None
    for neg, ps in q.clauses:
        s = set()
        for p in ps:
            s |= ref.phrase(oracle.units(p))
        if neg:
            continue
        result = s if result is None else result & s
    for neg, ps in q.clauses:
        if neg:
            for p in ps:
                result -= ref.phrase(oracle.units(p))
    if q.years:
        lo, hi = q.years
        result = {k for k in result if ref.year_ok(k, lo, hi)}
    return len(result)


# -------------------------------------------------------------------- FTS5

def fts5_build(db, files_list, years_json):
    """Child process: one FTS5 trigram row per paragraph."""
    with open(files_list, encoding="utf-8") as f:
        files = [ln.rstrip("\n") for ln in f if ln.strip()]
    with open(years_json, encoding="utf-8") as f:
        years = json.load(f)
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(report UNINDEXED, year UNINDEXED, "
                "para UNINDEXED, text, tokenize='trigram')")
    n = 0
    with con:
        for i, path in enumerate(files):
            rid = os.path.basename(path)
            rid = os.path.splitext(rid[:-3] if rid.endswith(".gz") else rid)[0]
            y = years.get(path)
            con.executemany("INSERT INTO t(report, year, para, text) VALUES (?,?,?,?)",
                            ((rid, y, k, p) for k, p in enumerate(paragraphs(path), 1)))
            n += 1
            if n % 100 == 0:
                progress("fts5: %d/%d files" % (n, len(files)))
    progress("fts5: optimize")
    con.execute("INSERT INTO t(t) VALUES('optimize')")
    con.commit()
    con.close()
    progress("", final=False)


def like_escape(p):
    return "%" + p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fts_quote(p):
    return '"' + p.replace('"', '""') + '"'


def fts5_sql(q):
    """(where-clause, params, uses MATCH) for q: FTS5 MATCH for clauses whose
    phrases are all 3+ characters (the trigram minimum), LIKE otherwise."""
    match_pos, match_neg, conds, params = [], [], [], []
    for neg, ps in q.clauses:
        ftsable = all(len(p) >= 3 for p in ps)
        if ftsable and not neg:
            match_pos.append("(" + " OR ".join(fts_quote(p) for p in ps) + ")")
    for neg, ps in q.clauses:
        ftsable = all(len(p) >= 3 for p in ps)
        if ftsable and not neg:
            continue
        if ftsable and neg and match_pos:
            match_neg += [fts_quote(p) for p in ps]
            continue
        if neg:
            for p in ps:
                conds.append("text NOT LIKE ? ESCAPE '\\'")
                params.append(like_escape(p))
        else:
            conds.append("(" + " OR ".join(["text LIKE ? ESCAPE '\\'"] * len(ps)) + ")")
            params += [like_escape(p) for p in ps]
    where, wparams = [], []
    if match_pos:
        m = " AND ".join(match_pos)
        for n in match_neg:
            m = "(" + m + ") NOT " + n
        where.append("t MATCH ?")
        wparams.append(m)
    where += conds
    wparams += params
    if q.years:
        lo, hi = q.years
        if lo is not None:
            where.append("year >= ?")
            wparams.append(lo)
        if hi is not None:
            where.append("year <= ?")
            wparams.append(hi)
    return " AND ".join(where), wparams, bool(match_pos)


def fts5_complete(con, q):
    """The complete answer: exact total, and the top 10 (by bm25 when MATCH
    is used; in table order with LIKE alone, which has no rank) with the
    phrases highlighted."""
    where, params, ranked = fts5_sql(q)
    total = con.execute("SELECT count(*) FROM t WHERE " + where, params).fetchone()[0]
    if ranked:
        rows = con.execute("SELECT report, para, highlight(t, 3, '[', ']') FROM t WHERE "
                           + where + " ORDER BY rank LIMIT 10", params).fetchall()
    else:
        rows = con.execute("SELECT report, para, text FROM t WHERE " + where + " LIMIT 10",
                           params).fetchall()
        pos = [p for neg, ps in q.clauses if not neg for p in ps]
        rows = [(r, k, highlight_like(text, pos)) for r, k, text in rows]
    return total, rows


def highlight_like(text, phrases):
    for p in phrases:
        text = re.sub(re.escape(p), lambda m: "[" + m.group(0) + "]", text, flags=re.I)
    return text


def fts5_count(con, q):
    where, params, _ = fts5_sql(q)
    return con.execute("SELECT count(*) FROM t WHERE " + where, params).fetchone()[0]


# ---------------------------------------------------------------------- rg

def rg_run(q, files, file_year):
    """Runs q as an rg -F pipeline over the files (restricted to the years
    of a year filter): the first positive clause over the files, each other
    clause filtering its output (-v for a negated one).  Returns the number
    of lines printed (matching lines: paragraphs)."""
    if q.years:
        lo, hi = q.years
        files = [f for f in files if file_year.get(f) is not None
                 and (lo is None or file_year[f] >= lo) and (hi is None or file_year[f] <= hi)]
        if not files:
            return 0
    clauses = sorted(q.clauses, key=lambda c: c[0])
    single = len(clauses) == 1
    procs, prev = [], None
    for i, (neg, ps) in enumerate(clauses):
        cmd = ["rg", "-F", "--no-config", "--color", "never"]
        if i == 0:
            cmd += ["-H", "-n"] if single else ["--no-filename", "-n"]
        if neg:
            cmd.append("-v")
        for p in ps:
            cmd += ["-e", p]
        if i == 0:
            cmd += ["--"] + files
        p = subprocess.Popen(cmd, stdin=prev.stdout if prev else subprocess.DEVNULL,
                             stdout=subprocess.PIPE)
        if prev:
            prev.stdout.close()
        procs.append(p)
        prev = p
    out = procs[-1].stdout.read()
    for p in procs:
        p.wait()
    return out.count(b"\n")


# ------------------------------------------------------------------ baogao

def peak_kb(text):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(m.group(1)) if m else None


def timed_child(cmd, env=None, ok=(0,)):
    """Runs cmd under /usr/bin/time -v: (seconds, peak RSS in kB); exits
    unless its status is in ok."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.perf_counter()
        r = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name] + cmd, env=env)
        secs = time.perf_counter() - t0
        report = open(tf.name).read()
    if r.returncode not in ok:
        sys.exit("bench.py: %s failed with status %d" % (cmd[0], r.returncode))
    return secs, peak_kb(report)


def du(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for d, _, fs in os.walk(path):
        for f in fs:
            fp = os.path.join(d, f)
            if not os.path.islink(fp):
                total += os.path.getsize(fp)
    return total


def glass_tables(path):
    """Sizes of the Xapian tables under an index folder: {table: bytes},
    the *.glass files summed by name over every database (shard) in it,
    plus "other" for every other file (report texts, metadata)."""
    out = {}
    for d, _, fs in os.walk(path):
        for f in fs:
            fp = os.path.join(d, f)
            if os.path.islink(fp):
                continue
            key = f[:-len(".glass")] if f.endswith(".glass") else "other"
            out[key] = out.get(key, 0) + os.path.getsize(fp)
    return out


class Fmt:
    """One baogao index format under test: its index, build figures,
    timings (engine names as for one format) and counts."""

    def __init__(self, fmt, several, out):
        self.fmt = fmt                  # None: the indexer's default format
        self.flag = [] if fmt is None else ["--format", str(fmt)]
        # names in the report: as they always were with one format
        self.label = "baogao f%s" % fmt if several else "baogao"
        self.short = "f%s" % fmt if several else ""
        self.index_name = "baogao-index f%s" % fmt if several else "baogao-index"
        self.ix = os.path.join(out, "baogao-index" if fmt is None else "baogao-index-f%s" % fmt)
        self.T = Timing()
        self.got = {}

    def name(self, engine):
        """engine ("baogao searchd", "count CLI took_ms") for this format."""
        if not self.short:
            return engine
        return engine.replace("baogao", self.label) if engine.startswith("baogao") \
            else "%s %s" % (self.label, engine)

    def exact(self, want):
        """Queries on which each of the three baogao counts equals want."""
        return [i for i in range(len(want))
                if all(self.got[e][i] == want[i] for e in BAOGAO_COUNTS)]


BAOGAO_COUNTS = ("baogao searchd", "baogao CLI", "baogao count by year")


class Searchd:
    def __init__(self, build, index, *extra):
        self.proc = subprocess.Popen([os.path.join(build, "baogao-searchd"), "--index", index,
                                      "--listen", "127.0.0.1:0", "--quiet"] + list(extra),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"listening on http://([\d.]+):(\d+)", line)
        if not m:
            sys.exit("bench.py: searchd did not start: " + line + self.proc.stderr.read())
        self.host, self.port = m.group(1), int(m.group(2))
        self.url = "http://%s:%d" % (self.host, self.port)
        self.conn = http.client.HTTPConnection(self.host, self.port)

    def get(self, path):
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError("searchd %s: %d %s" % (path, r.status, body[:200]))
        return json.loads(body)

    def peak_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            m = re.search(r"VmHWM:\s+(\d+) kB", f.read())
        return int(m.group(1)) if m else None

    def stop(self):
        self.conn.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def search_path(q):
    return "/v1/search?" + urllib.parse.urlencode({"q": q.baogao(), "limit": 10})


def wrk_load(url, paths, seconds, connections=16):
    """wrk with `connections` keep-alive connections cycling through paths:
    (requests/s, p50, p95, p99 in ms, errors, requests)."""
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as pf:
        pf.write("\n".join(paths) + "\n")
    env = dict(os.environ, BENCH_PATHS=pf.name)
    r = subprocess.run(["wrk", "-t2", "-c%d" % connections, "-d%ds" % seconds,
                        "--timeout", "10s", "-s", os.path.join(HERE, "bench_mix.lua"), url],
                       env=env, capture_output=True, text=True)
    os.unlink(pf.name)
    m = re.search(r"^BENCH (\S+) (\S+) (\S+) (\S+) (\d+) (\d+)$", r.stdout, re.M)
    if not m:
        sys.exit("bench.py: wrk failed:\n" + r.stdout + r.stderr)
    rps, p50, p95, p99 = (float(m.group(i)) for i in range(1, 5))
    return rps, p50 / 1000, p95 / 1000, p99 / 1000, int(m.group(5)), int(m.group(6))


# ------------------------------------------------------------------ figures

def pct(xs, p):
    """Nearest-rank percentile p (0-100) of xs."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def fmt_ms(x):
    if x != x:
        return "-"
    return "%.2f" % x if x < 10 else "%.1f" % x if x < 1000 else "%.0f" % x


def fmt_mb(n):
    x = mb(n)
    return "%.2f" % x if x < 10 else "%.1f" % x


def pad(s, n):
    """s padded to n terminal columns (CJK and full-width characters: 2)."""
    import unicodedata
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
    return s + " " * max(0, n - w)


def mb(n):
    return n / 1e6


class Timing:
    """Per engine and query: the list of measured milliseconds."""

    def __init__(self):
        self.t = {}

    def add(self, engine, qi, ms):
        self.t.setdefault(engine, {}).setdefault(qi, []).append(ms)

    def pooled(self, engine, qis=None):
        d = self.t.get(engine, {})
        return [x for qi, xs in d.items() if qis is None or qi in qis for x in xs]

    def median_of(self, engine, qis):
        return statistics.median(self.pooled(engine, qis)) if self.pooled(engine, qis) else float("nan")


def time_it(fn, runs):
    out, res = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        res = fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out, res


def measure_baogao(a, B, qs):
    """Every baogao measurement on format B's index, into B.T and B.got."""
    baogao = os.path.join(a.build, "baogao")
    # 3a. baogao through searchd, one keep-alive connection; no answer
    # cache, so that every timed run computes its answer
    sd = Searchd(a.build, B.ix, "--cache-mb", "0")
    B.got["baogao searchd"], B.got["baogao count by year"] = [], []
    for i, q in enumerate(qs):
        progress(B.label + " searchd: query %d/%d" % (i + 1, len(qs)))
        path = search_path(q)
        sd.get(path)  # warm-up
        took = []
        ms, res = time_it(lambda: took.append(sd.get(path)) or took[-1], a.runs)
        for x in ms:
            B.T.add("baogao searchd", i, x)
        for r in took:
            B.T.add("baogao searchd took_ms", i, r["took_ms"])
        B.got["baogao searchd"].append(res["total"])
        cpath = "/v1/count?" + urllib.parse.urlencode({"q": q.baogao(), "by": "year"})
        sd.get(cpath)
        ms, res = time_it(lambda: sd.get(cpath), a.runs)
        for x in ms:
            B.T.add("baogao searchd count", i, x)
        B.got["baogao count by year"].append(sum(b["paragraphs"] for b in res["buckets"]))

    # 4. searchd under load: every answer computed (--cache-mb 0), then
    # with the answer cache as it is by default (the mix repeats)
    progress(B.label + " searchd: wrk, 16 connections, %d s, no cache ..." % a.duration)
    B.load = wrk_load(sd.url, [search_path(q) for q in qs], a.duration)
    B.sd_peak = sd.peak_kb()
    progress(B.label + " searchd: %.0f req/s without cache" % B.load[0], final=True)
    # 4b. the same load, still without the cache, on each category alone
    B.cat_load = {}
    for c in CATS if a.cat_duration else ():
        paths = [search_path(q) for q in qs if q.cat == c]
        if not paths:
            continue
        progress(B.label + " searchd: wrk, 16 connections, %d s, no cache, %s alone ..." %
                 (a.cat_duration, c))
        B.cat_load[c] = wrk_load(sd.url, paths, a.cat_duration)
    if B.cat_load:
        progress(B.label + " searchd: " + ", ".join("%s %.0f" % (c, l[0]) for c, l in B.cat_load.items()) +
                 " req/s by category", final=True)
    sd.stop()
    sdc = Searchd(a.build, B.ix)
    progress(B.label + " searchd: wrk, 16 connections, %d s, answer cache ..." % a.duration)
    B.loadc = wrk_load(sdc.url, [search_path(q) for q in qs], a.duration)
    B.sd_peakc = sdc.peak_kb()
    sdc.stop()
    progress(B.label + " searchd: %.0f req/s with the answer cache" % B.loadc[0], final=True)

    # 3b. the CLI: its took_ms and the whole command
    B.got["baogao CLI"] = []
    for i, q in enumerate(qs):
        progress(B.label + " CLI: query %d/%d" % (i + 1, len(qs)))
        for r in range(a.cli_runs + 1):
            t0 = time.perf_counter()
            out = subprocess.run([baogao, "--index", B.ix, "--json", "search", q.baogao(),
                                  "--limit", "10"], capture_output=True, check=True).stdout
            wall = (time.perf_counter() - t0) * 1000
            j = json.loads(out)
            if r:
                B.T.add("baogao CLI took_ms", i, j["took_ms"])
                B.T.add("baogao CLI command", i, wall)
        B.got["baogao CLI"].append(j["total"])
        for r in range(a.cli_runs + 1):
            t0 = time.perf_counter()
            out = subprocess.run([baogao, "--index", B.ix, "--json", "count", q.baogao(),
                                  "--by", "year"], capture_output=True, check=True).stdout
            wall = (time.perf_counter() - t0) * 1000
            if r:
                B.T.add("count CLI took_ms", i, json.loads(out)["took_ms"])
                B.T.add("count CLI command", i, wall)


# --------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=5, help="timed runs per query, in-process (searchd, FTS5)")
    ap.add_argument("--cli-runs", type=int, default=3, help="timed runs per query of the CLI")
    ap.add_argument("--rg-runs", type=int, default=3, help="timed runs per query of rg")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--duration", type=int, default=30, help="seconds of wrk load")
    ap.add_argument("--cat-duration", type=int, default=None, metavar="SECS",
                    help="seconds of wrk load on each query category alone, without the answer "
                         "cache (default max(3, duration / 6); 0: none)")
    ap.add_argument("--no-scale-check", action="store_true")
    ap.add_argument("--formats", default=None, metavar="LIST",
                    help="index formats to build and measure, e.g. 4,6 (default: the indexer's own)")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    try:
        a.formats = [int(x) for x in a.formats.split(",")] if a.formats else [None]
    except ValueError:
        ap.error("--formats: a comma-separated list of numbers, e.g. 4,6")
    if len(set(a.formats)) != len(a.formats):
        ap.error("--formats: a format listed twice")
    if a.cat_duration is None:
        a.cat_duration = max(3, a.duration // 6)
    if a.cat_duration < 0:
        ap.error("--cat-duration: 0 or more seconds")

    os.makedirs(a.out, exist_ok=True)
    oracle, oracle_path = load_oracle()
    files, dropped = collect(a.paths)
    if not files:
        sys.exit("bench.py: no .txt or .md files in " + " ".join(a.paths))
    raw = sum(os.path.getsize(f) for f in files)
    flist = os.path.join(a.out, "files.txt")
    with open(flist, "w", encoding="utf-8") as f:
        f.write("\n".join(files) + "\n")
    baogao = os.path.join(a.build, "baogao")
    progress("corpus: %d files, %.1f MB" % (len(files), mb(raw)), final=True)

    # 1. builds: one baogao index per format
    # status 1: some file was not indexed (an empty one, say); those files
    # are left out of the corpus for every engine below
    fmts = [Fmt(f, len(a.formats) > 1, a.out) for f in a.formats]
    for B in fmts:
        shutil.rmtree(B.ix, ignore_errors=True)
        progress("%s: building ..." % B.index_name)
        B.secs, B.peak = timed_child([os.path.join(a.build, "baogao-index")] + B.flag +
                                     ["--index", B.ix, "-q"] + files, ok=(0, 1))
        B.size = du(B.ix)
        B.tables = glass_tables(B.ix)
        progress("%s: %.1f s, %.0f MB" % (B.index_name, B.secs, mb(B.size)), final=True)

    reps = json.loads(subprocess.run([baogao, "--index", fmts[0].ix, "--json", "reports"],
                                     capture_output=True, check=True).stdout)["reports"]
    # `baogao reports` gives year 0 for a report without a year (searches
    # give null): unknown either way, matched by no year filter
    years = {r["source"]: r.get("year") or None for r in reps}
    missing = [f for f in files if f not in years]
    if len(missing) > len(files) // 10:
        sys.exit("bench.py: baogao did not index %d files, e.g. %s" % (len(missing), missing[0]))
    if missing:
        progress("left out %d files baogao did not index (see above)" % len(missing), final=True)
        files = [f for f in files if f in years]
        raw = sum(os.path.getsize(f) for f in files)
        with open(flist, "w", encoding="utf-8") as f:
            f.write("\n".join(files) + "\n")
    yjson = os.path.join(a.out, "years.json")
    with open(yjson, "w", encoding="utf-8") as f:
        json.dump(years, f, ensure_ascii=False)

    db = os.path.join(a.out, "fts5.db")
    progress("fts5: building ...")
    f_secs, f_peak = timed_child([sys.executable, os.path.abspath(__file__), "fts5-build", db,
                                  flist, yjson])
    f_size = os.path.getsize(db)
    progress("fts5: %.1f s, %.0f MB" % (f_secs, mb(f_size)), final=True)

    # 2. queries and the reference
    qs = query_mix(files, a.seed)
    ref = Reference(files, years, oracle_path)
    want = []
    for i, q in enumerate(qs):
        progress("reference: query %d/%d" % (i + 1, len(qs)))
        want.append(reference_count(ref, oracle, q))
    npara, nunits = ref.npara, ref.nunits
    del ref
    progress("reference: %d queries counted" % len(qs), final=True)

    # 3a, 4, 3b: every baogao measurement, one format after the other
    for B in fmts:
        measure_baogao(a, B, qs)

    T = Timing()     # FTS5 and rg; each format's baogao figures are in B.T
    got = {}         # engine -> [count per query]

    # 3c. FTS5 in this long-lived process
    con = sqlite3.connect(db)
    got["FTS5"], got["FTS5 count"] = [], []
    for i, q in enumerate(qs):
        progress("fts5: query %d/%d" % (i + 1, len(qs)))
        fts5_complete(con, q)
        ms, res = time_it(lambda: fts5_complete(con, q), a.runs)
        for x in ms:
            T.add("FTS5 complete", i, x)
        got["FTS5"].append(res[0])
        ms, res = time_it(lambda: fts5_count(con, q), a.runs)
        for x in ms:
            T.add("FTS5 count", i, x)
    con.close()

    # 3d. rg
    got["rg"] = []
    file_year = {f: years.get(f) for f in files}
    for i, q in enumerate(qs):
        progress("rg: query %d/%d" % (i + 1, len(qs)))
        ms, res = time_it(lambda: rg_run(q, files, file_year), a.rg_runs)
        for x in ms:
            T.add("rg -F", i, x)
        got["rg"].append(res)
    progress("queries done", final=True)

    # 5. memory at 1x: the first PATH alone, in the last format listed
    # (the one the targets are for)
    scale = None
    if len(a.paths) > 1 and not a.no_scale_check:
        f1, _ = collect(a.paths[:1])
        ix1 = os.path.join(a.out, "baogao-index-1x")
        shutil.rmtree(ix1, ignore_errors=True)
        progress("1x: indexing %s ..." % a.paths[0])
        s1, p1 = timed_child([os.path.join(a.build, "baogao-index")] + fmts[-1].flag +
                             ["--index", ix1, "-q"] + f1, ok=(0, 1))
        peaks1, loads1 = [], []
        for extra in (("--cache-mb", "0"), ()):
            sd1 = Searchd(a.build, ix1, *extra)
            for q in qs:
                sd1.get(search_path(q))
            progress("1x: searchd under wrk ...")
            loads1.append(wrk_load(sd1.url, [search_path(q) for q in qs], max(5, a.duration // 3)))
            peaks1.append(sd1.peak_kb())
            sd1.stop()
        scale = (sum(os.path.getsize(f) for f in f1), p1, peaks1, loads1)
        progress("1x: done", final=True)

    # 6. the report
    report = render(a, files, (dropped, len(missing)), raw, npara, nunits, oracle_path,
                    fmts, (f_secs, f_peak, f_size), qs, want, got, T, scale)
    sys.stdout.write(report)
    with open(os.path.join(a.out, "report.txt"), "w", encoding="utf-8") as f:
        f.write(report)
    return 1 if any(len(B.exact(want)) != len(qs) for B in fmts) else 0


def mix_estimate(B, qs):
    """The mix's requests/s estimated from the categories' alone: wrk cycles
    evenly through the mix's searches, so a category makes up the share
    n/len(qs) of its requests, and the mix serves one request in the
    weighted sum of the categories' times per request, sum(share / req/s).
    Returns (estimate, {category: (share, part of the mix's time)}), the
    estimate None when a category served nothing."""
    shares = {c: sum(q.cat == c for q in qs) / len(qs) for c in B.cat_load}
    if any(B.cat_load[c][0] <= 0 for c in shares):
        return None, {c: (shares[c], float("nan")) for c in shares}
    cost = {c: shares[c] / B.cat_load[c][0] for c in shares}
    total = sum(cost.values())
    est = 1 / total if sum(shares.values()) > 0.999 else None  # every category
    return est, {c: (shares[c], cost[c] / total) for c in shares}


def cat_table(w, a, fmts, qs, several):
    """SEARCHD UNDER LOAD BY CATEGORY: one row per category (and format),
    then the whole mix as measured and as estimated from the categories."""
    w("SEARCHD UNDER LOAD BY CATEGORY: wrk, 16 keep-alive connections, 2 threads, --cache-mb 0, each category's")
    w("  searches alone for %d s (the whole mix: %d s, above)" % (a.cat_duration, a.duration))
    w("  share     the category's part of the mix's requests (wrk cycles evenly through the mix's searches)")
    w("  time      its part of the time searchd spends on the mix, share / req/s over the sum of them:")
    w("            the categories with the largest parts are the ones holding the mix's req/s down")
    w("  estimate  the mix's req/s from the categories' alone, 1 / sum(share / req/s), next to the measured one")
    fw = " %-4s" if several else "%s"
    head = "%-13s %3s %7s" % ("category", "n", "share") + fw % "" + \
        "%9s %9s %9s %7s %7s" % ("req/s", "p50 ms", "p99 ms", "time", "errors")
    w(head)
    ests = {B.label: mix_estimate(B, qs) for B in fmts}
    for c in CATS:
        n = sum(q.cat == c for q in qs)
        first = True
        for B in fmts:
            if c not in B.cat_load:
                continue
            rps_, p50_, _, p99_, errors_, _ = B.cat_load[c]
            share, part = ests[B.label][1][c]
            lead = "%-13s %3d %6.1f%%" % (c, n, 100 * share) if first else "%-13s %3s %7s" % ("", "", "")
            first = False
            w(lead + fw % B.short + "%9.0f %9s %9s %6.1f%% %7d" %
              (rps_, fmt_ms(p50_), fmt_ms(p99_), 100 * part, errors_))
    for k, B in enumerate(fmts):
        rps_, p50_, _, p99_, errors_, _ = B.load
        lead = "%-13s %3d %6.1f%%" % ("whole mix", len(qs), 100.0) if k == 0 else "%-13s %3s %7s" % ("", "", "")
        w(lead + fw % B.short + "%9.0f %9s %9s %7s %7d" % (rps_, fmt_ms(p50_), fmt_ms(p99_), "", errors_))
    for k, B in enumerate(fmts):
        est = ests[B.label][0]
        lead = "%-13s %3s %7s" % ("  estimate" if k == 0 else "", "", "")
        if est is None:
            w(lead + fw % B.short + "%9s   (not every category was measured)" % "-")
            continue
        top = max(ests[B.label][1].items(), key=lambda kv: kv[1][1])
        slow = min(B.cat_load.items(), key=lambda kv: kv[1][0])
        w(lead + fw % B.short + "%9.0f   %.2fx the measured %.0f; most time: %s (%.0f%%); slowest alone: %s (%.0f req/s)" %
          (est, est / B.load[0], B.load[0], top[0], 100 * top[1][1], slow[0], slow[1][0]))
    w("")


def render(a, files, dropped, raw, npara, nunits, oracle_path, fmts, fb, qs, want, got, T, scale):
    """The report.  With one format it reads as it always did; with several,
    a side-by-side table comes first and every baogao line is given once
    per format; the targets are those of the last format listed."""
    L = []
    w = L.append
    several = len(fmts) > 1
    BL = fmts[-1]                       # the format the targets are for
    B1 = fmts[-1]                       # and of the 1x memory check
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1) if m else ""
    except OSError:
        pass
    sqlite_v = sqlite3.sqlite_version
    rg_v = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    w("baogao benchmark  %s" % time.strftime("%Y-%m-%d %H:%M"))
    w("corpus     %s" % " + ".join(a.paths))
    dup, unindexed = dropped
    notes = []
    if dup:
        notes.append("%d files with a name seen before skipped" % dup)
    if unindexed:
        notes.append("%d files baogao-index refused (no text) left out" % unindexed)
    w("           %d files, %.1f MB of text, %d paragraphs, %d units%s" %
      (len(files), mb(raw), npara, nunits, " (" + "; ".join(notes) + ")" if notes else ""))
    w("machine    %d CPUs (%s), shared with other work: timings are noisy" % (os.cpu_count(), cpu))
    rev = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip() or "?"
    given = [B.fmt for B in fmts if B.fmt is not None]
    fmt_note = "" if not given else "; index format%s %s" % (
        "s" if several else "", ", ".join(str(f) for f in given))
    w("engines    baogao %s (Release build%s), SQLite %s FTS5 tokenize='trigram' (python3 sqlite3), %s" %
      (rev, fmt_note, sqlite_v, rg_v))
    w("queries    %d, seed %d; timed runs per query: %d in-process, %d CLI, %d rg (after one warm-up for in-process)" %
      (len(qs), a.seed, a.runs, a.cli_runs, a.rg_runs))
    w("reference  brute force over the oracle's units (%s)" % os.path.relpath(oracle_path, ROOT))
    w("")
    f_secs, f_peak, f_size = fb
    ph3 = {i for i, q in enumerate(qs) if q.fts_phrase_only()}

    def differ(g):
        return sum(g[i] != want[i] for i in range(len(qs)))

    if several:
        # the main table: one column per format, then FTS5 and rg
        heads = [B.label for B in fmts] + ["FTS5", "rg -F"]
        w("SIDE BY SIDE (baogao search: searchd with --cache-mb 0, one keep-alive client, complete answer;")
        w("  FTS5: complete answer in one long-lived process; rg -F: every matching line)")
        w("%-36s" % "" + "".join("%12s" % h for h in heads))

        def row(name, bs, fts="-", rg="-"):
            w("%-36s" % name + "".join("%12s" % x for x in list(bs) + [fts, rg]))

        row("build, s", ["%.1f" % B.secs for B in fmts], "%.1f" % f_secs)
        row("build peak memory, MB", ["%.0f" % (B.peak / 1024) for B in fmts], "%.0f" % (f_peak / 1024))
        row("index size, MB", ["%.1f" % mb(B.size) for B in fmts], "%.1f" % mb(f_size))
        row("size / text", ["%.2fx" % (B.size / raw) for B in fmts], "%.2fx" % (f_size / raw))
        for p in (50, 95):
            row("search p%d, ms" % p, [fmt_ms(pct(B.T.pooled("baogao searchd"), p)) for B in fmts],
                fmt_ms(pct(T.pooled("FTS5 complete"), p)), fmt_ms(pct(T.pooled("rg -F"), p)))
        for p in (50, 95):
            row("engine alone p%d, ms (took_ms)" % p,
                [fmt_ms(pct(B.T.pooled("baogao searchd took_ms"), p)) for B in fmts])
        w("median ms by category")
        for c, qis in [(c, {i for i, q in enumerate(qs) if q.cat == c}) for c in CATS] + [("phrases 3+", ph3)]:
            row("  %s (%d)" % (c, len(qis)), [fmt_ms(B.T.median_of("baogao searchd", qis)) for B in fmts],
                fmt_ms(T.median_of("FTS5 complete", qis)), fmt_ms(T.median_of("rg -F", qis)))
        row("count by year p95, ms (CLI took_ms)", [fmt_ms(pct(B.T.pooled("count CLI took_ms"), 95)) for B in fmts])
        row("searchd req/s, no cache", ["%.0f" % B.load[0] for B in fmts])
        row("searchd p99 ms, no cache", [fmt_ms(B.load[3]) for B in fmts])
        row("searchd req/s, answer cache", ["%.0f" % B.loadc[0] for B in fmts])
        row("searchd p99 ms, answer cache", [fmt_ms(B.loadc[3]) for B in fmts])
        row("searchd peak memory, MB, no cache", ["%.0f" % (B.sd_peak / 1024) for B in fmts])
        row("counts = reference (%d queries)" % len(qs),
            ["exact" if len(B.exact(want)) == len(qs) else "%d DIFFER" % (len(qs) - len(B.exact(want)))
             for B in fmts],
            "same" if not differ(got["FTS5"]) else "%d differ" % differ(got["FTS5"]),
            "same" if not differ(got["rg"]) else "%d differ" % differ(got["rg"]))
        w("")
    else:
        B = fmts[0]
        w("BUILD                 time      peak memory    index size   size / text")
        w("baogao-index     %8.1f s  %10.0f MB  %10.1f MB  %10.2fx" % (B.secs, B.peak / 1024, mb(B.size), B.size / raw))
        w("FTS5 trigram     %8.1f s  %10.0f MB  %10.1f MB  %10.2fx" % (f_secs, f_peak / 1024, mb(f_size), f_size / raw))
    w("  (FTS5 build: a python3 process reading the files, one transaction, then 'optimize';")
    w("   its size includes the paragraphs' text, as baogao's includes the compressed text)")
    w("")

    # the index by Xapian table, one line per format
    order = ["postlist", "position", "termlist", "docdata"]
    names = order + sorted({k for B in fmts for k in B.tables} - set(order) - {"other"}) + ["other"]
    names = [n for n in names if any(n in B.tables for B in fmts)]
    w("INDEX SIZE BY XAPIAN TABLE, MB (*.glass files summed over the index's databases; other: every other file)")
    lw = max(16, max(len(B.index_name) for B in fmts) + 1)
    w("%-*s" % (lw, "") + "".join("%10s" % n for n in names) + "%10s" % "total")
    for B in fmts:
        w("%-*s" % (lw, B.index_name) + "".join("%10s" % fmt_mb(B.tables.get(n, 0)) for n in names) +
          "%10s" % fmt_mb(B.size))
    w("")

    engines = [
        ("baogao searchd", "baogao via searchd (--cache-mb 0), one keep-alive HTTP client: complete answer (total + top 10 with text, highlights)"),
        ("baogao searchd took_ms", "the same searches, the engine's own took_ms in searchd (warm, in-process, as FTS5's)"),
        ("baogao CLI took_ms", "baogao CLI, the engine's own took_ms (search after the index is open)"),
        ("baogao CLI command", "baogao CLI, whole command (process start, index open, search, JSON)"),
        ("FTS5 complete", "FTS5 in one long-lived process: count(*) + top 10 by bm25 with highlight() (LIKE: unranked)"),
        ("FTS5 count", "FTS5, count(*) only"),
        ("rg -F", "rg -F over the files, every matching line printed (a pipeline for AND/NOT)"),
        ("baogao searchd count", "count --by year via searchd /v1/count (--cache-mb 0), one keep-alive client"),
        ("count CLI took_ms", "baogao count --by year, CLI took_ms"),
        ("count CLI command", "baogao count --by year, whole command"),
    ]
    rows = []                           # (name, ms, what), a baogao engine once per format
    for e, what in engines:
        if e in T.t:
            rows.append((e, T.pooled(e), what))
        else:
            for k, B in enumerate(fmts):
                rows.append((B.name(e), B.T.pooled(e), what if k == 0 else ""))
    nw = max(22, max(len(r[0]) for r in rows))
    w("LATENCY, ms over the whole mix (all timed runs pooled)")
    w("%-*s %9s %9s %9s %9s   %s" % (nw, "", "p50", "p95", "p99", "max", "what is measured"))
    for name, xs, what in rows:
        w(("%-*s %9s %9s %9s %9s   %s" % (nw, name, fmt_ms(pct(xs, 50)), fmt_ms(pct(xs, 95)), fmt_ms(pct(xs, 99)),
                                         fmt_ms(max(xs) if xs else float("nan")), what)).rstrip())
    w("")
    w("MEDIAN ms BY CATEGORY")
    cols = ["baogao searchd", "baogao searchd took_ms", "baogao CLI took_ms", "FTS5 complete", "FTS5 count",
            "rg -F", "count CLI took_ms"]
    heads = ["searchd", "sd took_ms", "CLI took_ms", "FTS5", "FTS5 count", "rg -F", "count/year"]
    fw = " %-4s" if several else ""     # a format column with several
    w("%-13s %3s" % ("category", "n") + (fw % "" if several else "") + " " + "".join("%13s" % h for h in heads))
    for c, qis in [(c, {i for i, q in enumerate(qs) if q.cat == c}) for c in CATS] + [("phrases 3+", ph3)]:
        for k, B in enumerate(fmts):
            cells = []
            for e in cols:
                if e in T.t:
                    cells.append(fmt_ms(T.median_of(e, qis)) if k == 0 else "")
                else:
                    cells.append(fmt_ms(B.T.median_of(e, qis)))
            lead = "%-13s %3d" % (c, len(qis)) if k == 0 else "%-13s %3s" % ("", "")
            w((lead + (fw % B.short if several else "") + " " + "".join("%13s" % x for x in cells)).rstrip())
    w("")

    w("PER QUERY: paragraphs (reference = brute force) and median ms")
    bh = [B.short or "baogao" for B in fmts]
    w("%-12s %-34s %8s" % ("category", "query", "ref") + "".join(" %8s" % h for h in bh + ["FTS5", "rg"]) +
      "".join(" %9s" % h for h in bh + ["FTS5", "rg"]))
    w("%-12s %-34s %*s %*s" % ("", "", 9 * (3 + len(fmts)) - 1, "(paragraphs)",
                                10 * (2 + len(fmts)) - 1, "(ms, median)"))
    for i, q in enumerate(qs):
        lab = q.label()
        if len(lab) > 16:
            lab = lab[:15] + "…"
        w("%-12s %s %8d" % (q.cat[:12], pad(lab, 34), want[i]) +
          "".join(" %8d" % n for n in [B.got["baogao searchd"][i] for B in fmts] + [got["FTS5"][i], got["rg"][i]]) +
          "".join(" %9s" % fmt_ms(statistics.median(t[i])) for t in
                  [B.T.t["baogao searchd"] for B in fmts] + [T.t["FTS5 complete"], T.t["rg -F"]]))
    w("")

    w("COUNTS against the reference")
    cw = max(22, max(len(B.name(e)) for B in fmts for e in BAOGAO_COUNTS))
    for B in fmts:
        for e in BAOGAO_COUNTS:
            diff = [i for i in range(len(qs)) if B.got[e][i] != want[i]]
            w("%-*s %s" % (cw, B.name(e), "exact on all %d queries" % len(qs) if not diff else
                           "DIFFERS on %d: " % len(diff) +
                           "; ".join("%s %d (want %d)" % (qs[i].label(), B.got[e][i], want[i]) for i in diff)))
    for e in ("FTS5", "rg"):
        diff = [i for i in range(len(qs)) if got[e][i] != want[i]]
        w("%-*s %s" % (cw, e, "same as the reference on all %d queries" % len(qs) if not diff else
                       "differs on %d of %d queries (normalization, whitespace, case, unit boundaries):" %
                       (len(diff), len(qs))))
        for i in diff:
            w("    %-40s %8d  (reference %d, %+d)" % (qs[i].label()[:40], got[e][i], want[i], got[e][i] - want[i]))
    w("")

    w("SEARCHD UNDER LOAD: wrk, 16 keep-alive connections, 2 threads, %d s each, the mix's searches (limit 10)" % a.duration)
    for name, which in (
            ("no cache (--cache-mb 0): every answer computed", "load"),
            ("answer cache (the default, 64 MB): the mix's %d searches repeat, so all but the first of each come from it" % len(qs),
             "loadc")):
        w("  %s" % name)
        for B in fmts:
            rps_, p50_, p95_, p99_, errors_, nreq_ = getattr(B, which)
            peak = B.sd_peak if which == "load" else B.sd_peakc
            w("    %s%.0f requests/s, latency p50 %s ms, p95 %s ms, p99 %s ms; %d requests, %d errors (non-2xx or socket); peak memory %.0f MB (VmHWM)" %
              (B.label + ": " if several else "", rps_, fmt_ms(p50_), fmt_ms(p95_), fmt_ms(p99_), nreq_, errors_,
               peak / 1024))
    if scale:
        raw1, ip1, (sp1, sp1c), (l1, l1c) = scale
        w("MEMORY AT 1x (%s alone, %.1f MB of text; this corpus is %.1fx%s):" %
          (a.paths[0], mb(raw1), raw / raw1, "; " + B1.label if several else ""))
        w("  baogao-index peak %.0f MB (here %.0f MB); searchd peak under %d s of wrk: no cache %.0f MB (here %.0f MB), %.0f req/s; answer cache %.0f MB (here %.0f MB), %.0f req/s" %
          (ip1 / 1024, B1.peak / 1024, max(5, a.duration // 3), sp1 / 1024, B1.sd_peak / 1024, l1[0],
           sp1c / 1024, B1.sd_peakc / 1024, l1c[0]))
    w("")
    if any(B.cat_load for B in fmts):
        cat_table(w, a, fmts, qs, several)


    # targets, of the last format listed
    B = BL
    b_secs, b_peak, b_size = B.secs, B.peak, B.size
    rps, p50, p95, p99, errors, nreq = B.load
    rpsc, _, _, p99c, errorsc, nreqc = B.loadc
    b50 = pct(B.T.pooled("baogao searchd"), 50)
    b95 = pct(B.T.pooled("baogao searchd"), 95)
    r50 = pct(T.pooled("rg -F"), 50)
    f95 = pct(T.pooled("FTS5 complete"), 95)
    b50p = pct(B.T.pooled("baogao searchd", ph3), 50)
    b50pe = pct(B.T.pooled("baogao searchd took_ms", ph3), 50)
    f50p = pct(T.pooled("FTS5 complete", ph3), 50)
    c95 = pct(B.T.pooled("count CLI took_ms"), 95)
    c95s = pct(B.T.pooled("baogao searchd count"), 95)
    rows = []

    def target(name, fig, tgt, ok):
        rows.append((name, fig, tgt, "yes" if ok else "NO"))

    target("index size", "%.1f MB vs FTS5 %.1f MB (%.2fx)" % (mb(b_size), mb(f_size), b_size / f_size),
           "<= FTS5 trigram's", b_size <= f_size)
    target("build time", "%.1f s vs FTS5 %.1f s (%.2fx)" % (b_secs, f_secs, b_secs / f_secs),
           "<= FTS5's", b_secs <= f_secs)
    target("search p50 vs rg", "%s ms vs rg %s ms (%.0fx faster)" % (fmt_ms(b50), fmt_ms(r50), r50 / b50),
           ">= 100x faster", r50 / b50 >= 100)
    target("search p50, phrases 3+", "engine %s ms (round trip %s) vs FTS5 %s ms (%.2fx)" %
           (fmt_ms(b50pe), fmt_ms(b50p), fmt_ms(f50p), b50pe / f50p),
           "<= FTS5's (both in-process)", b50pe <= f50p)
    target("search p95 vs FTS5", "%s ms vs FTS5 %s ms (%.1fx better)" % (fmt_ms(b95), fmt_ms(f95), f95 / b95),
           ">= 30x better", f95 / b95 >= 30)
    target("count by year p95", "%s ms (CLI took_ms); %s ms via searchd" % (fmt_ms(c95), fmt_ms(c95s)),
           "<= 20 ms", c95 <= 20)
    target("searchd 16 clients", "%.0f req/s no cache; %.0f req/s answer cache" % (rps, rpsc),
           ">= 3000 req/s", rps >= 3000)
    target("searchd p99", "%s ms no cache; %s ms answer cache" % (fmt_ms(p99), fmt_ms(p99c)),
           "<= 50 ms", p99 <= 50)
    target("searchd errors", "%d of %d; %d of %d" % (errors, nreq, errorsc, nreqc), "0",
           errors == 0 and errorsc == 0)
    if scale:
        raw1, ip1, (sp1, _), _ = scale
        g = raw / raw1
        target("indexer memory", "%.0f MB at %.1fx vs %.0f MB at 1x (%.2fx)" % (b_peak / 1024, g, ip1 / 1024, b_peak / ip1),
               "flat: <= 2x while text grows %.0fx" % g, b_peak <= 2 * ip1)
        target("searchd memory", "%.0f MB at %.1fx vs %.0f MB at 1x (%.2fx)" % (B.sd_peak / 1024, g, sp1 / 1024, B.sd_peak / sp1),
               "flat: <= 2x while text grows %.0fx" % g, B.sd_peak <= 2 * sp1)
    else:
        target("indexer memory", "%.0f MB peak" % (b_peak / 1024), "flat 1x->15x (needs 2+ PATHs)", True)
        target("searchd memory", "%.0f MB peak" % (B.sd_peak / 1024), "flat 1x->15x (needs 2+ PATHs)", True)
        rows[-1] = rows[-1][:3] + ("n/a",)
        rows[-2] = rows[-2][:3] + ("n/a",)
    target("baogao counts", "exact on %d/%d queries" % (len(B.exact(want)), len(qs)), "= brute force",
           len(B.exact(want)) == len(qs))
    if several:
        w("TARGETS of %s, the last format listed (search figures: searchd, one keep-alive client, complete answer)" % B.label)
    else:
        w("TARGETS (baogao search figures: searchd, one keep-alive client, complete answer)")
    w("%-24s %-52s %-30s %s" % ("", "figure", "target", "met"))
    for r in rows:
        w("%-24s %-52s %-30s %s" % r)
    w("")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "fts5-build":
        fts5_build(*sys.argv[2:5])
        sys.exit(0)
    sys.exit(main())
