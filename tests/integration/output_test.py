#!/usr/bin/env python3
"""What the CLI and the daemon show, and the bad input they refuse.

Builds reports at run time from the shipped one (corpus/), indexes them
and checks, through the real programs:

  output
  - `search report:ID --all` prints every paragraph of the report whole,
    and `--full` every hit's paragraph whole;
  - the snippet of an AND query whose terms stand far apart in a long
    paragraph shows a window around a match of each, joined by "…",
    with no "(+N more in the paragraph)" for them; a paragraph whose
    terms are close shows one window, as before;
  - `reports FILTER...` lists exactly the reports the filters select
    (years, ranges, regions, report ids, OR, negation), against a filter
    over the whole list; a phrase is refused; `/v1/reports?q=` gives the
    CLI's bytes; on a width of $COLUMNS every line fits, long fields cut
    with "…"; without it (a pipe) nothing is cut;
  - `stats` gives the size on disk per table and in total, equal to the
    files of the database (also over two shards), and `/v1/stats` the same;

  bad input
  - an index path that is a regular file (empty, a stub naming nothing,
    a report): every command says "not a baogao index", exit status 2,
    no Xapian exception; the indexer refuses it too; searchd answers 503;
  - a copy of an index made following links (live a folder): readers
    answer as from the original and warn with how to copy (cp -a); the
    indexer refuses it (status 2) leaving nothing behind, and writes it
    once the link is back; a copy whose stub names nothing says so;
  - the indexer warns of two files with the same text under two ids and
    of a page whose title is a clock time with no year (not with -q),
    and drops control characters (NUL, ESC, BEL, DEL, C1) on reading:
    no output of the CLI holds one;
  - a 45 KB request line gets the daemon's JSON 414, not an HTML page.

usage: output_test.py --indexer BIN --baogao BIN --searchd BIN --corpus DIR
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

FAILS = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what, flush=True)


def width(s):
    """Display width of s as a terminal shows it (CJK: 2 columns)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s if not unicodedata.combining(c))


class Tools:
    def __init__(self, a):
        self.a = a

    def run(self, *args, env=None, index=None):
        cmd = [self.a.baogao]
        if index:
            cmd += ["--index", index]
        e = dict(os.environ)
        e.pop("COLUMNS", None)
        e["NO_COLOR"] = "1"
        if env:
            e.update(env)
        p = subprocess.run(cmd + list(args), capture_output=True, env=e)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def index(self, index, *paths, opts=()):
        p = subprocess.run([self.a.indexer, "--index", index] + list(opts) +
                           list(paths), capture_output=True)
        return p.returncode, p.stdout.decode(), p.stderr.decode()


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(text, bytes):
        with open(path, "wb") as f:
            f.write(text)
    else:
        with open(path, mode, encoding="utf-8") as f:
            f.write(text)


def start_searchd(a, index):
    d = subprocess.Popen([a.searchd, "--index", index, "--listen",
                          "127.0.0.1:0", "--quiet", "--threads", "2",
                          "--show-paths"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = d.stdout.readline().decode().strip()
    m = re.match(r"listening on http://127\.0\.0\.1:(\d+)$", line)
    if not m:
        d.kill()
        d.wait()
        return None, None
    return d, int(m.group(1))


def stop_searchd(d):
    d.terminate()
    try:
        d.wait(timeout=10)
    except subprocess.TimeoutExpired:
        d.kill()
        d.wait()


def http(port, path, **params):
    url = "http://127.0.0.1:%d%s" % (port, path)
    if params:
        url += "?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode(), r.headers.get("Content-Type")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get("Content-Type")


def make_corpus(seed_path, d):
    """Reports of known years and regions, each unlike the others, and a
    long paragraph with two phrases far apart and one with them close."""
    with open(seed_path, encoding="utf-8") as f:
        seed = [l.strip() for l in f if l.strip()]
    body = [l for l in seed if len(l) > 60]
    reports = {}
    for k, (year, region) in enumerate([(2019, "甲省"), (2023, "甲省"),
                                        (2025, "甲省"), (2025, "乙市"),
                                        (2025, "丙县"), (2026, "乙市")]):
        rid = "%d_%s" % (year, region)
        lines = ["%d年%s政府工作报告" % (year, region)]
        lines += body[k:k + 8]
        lines.append("本报告专有的第%d段文字，用来区分各个报告。" % k)
        reports[rid] = lines
    far = ("开篇先讲招商引资。" + "".join(body[:3]) +
           "最后落到低空经济上。")
    near = "招商引资和低空经济并举。" + body[3]
    reports["2026_乙市"] += [far, near]
    for rid, lines in reports.items():
        write(os.path.join(d, rid + ".txt"), "\n".join(lines) + "\n")
    return reports, far, near


def test_output(a, t, tmp):
    src = os.path.join(tmp, "reports")
    reports, far, near = make_corpus(
        os.path.join(a.corpus, "2023_济南市钢城区.txt"), src)
    index = os.path.join(tmp, "index")
    rc, _, err = t.index(index, src, a.corpus)
    check(rc == 0, "indexing the fixtures exits 0: " + err)

    # -- search report:ID --all: every paragraph whole --
    rc, out, _ = t.run("search", "report:2026_乙市", "--all", index=index)
    want = reports["2026_乙市"]
    for p in want:
        check(("  " + p + "\n") in out,
              "report:ID --all prints the paragraph whole: " + p[:30])
    check(("%d paragraphs" % len(want)) in out, "report:ID --all: total")

    # -- AND query, terms far apart: a window around each --
    rc, out, _ = t.run("search", "招商引资", "低空经济", "--all",
                       index=index)
    blocks = out.split("\n\n")
    far_block = [b for b in blocks if "开篇先讲" in b]
    near_block = [b for b in blocks if "并举" in b]
    check(len(far_block) == 1 and len(near_block) == 1,
          "both paragraphs are hits:\n" + out)
    if far_block:
        snippet = far_block[0].split("\n")[1]
        check(len(far) > 160, "the far paragraph is long (%d)" % len(far))
        check("招商引资" in snippet and "低空经济" in snippet,
              "the snippet shows both terms: " + snippet)
        check("more in the paragraph" not in snippet,
              "no '(+N more in the paragraph)' for a shown term: " +
              snippet)
        inner = snippet.strip().strip("…")
        check("…" in inner, "the two windows are joined by …: " + snippet)
        check(len(snippet.strip()) < len(far),
              "the snippet is shorter than the paragraph")
    if near_block:
        snippet = near_block[0].split("\n")[1]
        check("招商引资和低空经济并举" in snippet,
              "close terms: one window: " + snippet)
        check("…" not in snippet.strip().rstrip("…").lstrip("…")[:40],
              "close terms: no cut at the start: " + snippet)
    # --full: the whole paragraph.
    rc, out, _ = t.run("search", "招商引资", "低空经济", "--all", "--full",
                       index=index)
    check(rc == 0 and ("  " + far + "\n") in out,
          "--full prints the long paragraph whole")
    # One phrase: the first window as before, its other matches noted.
    rc, out, _ = t.run("search", "低空经济", "--limit", "1", "--", index=index)
    check(rc == 0 and "低空经济" in out, "one phrase: a snippet")

    # -- reports with filters --
    rc, out, _ = t.run("--json", "reports", index=index)
    every = json.loads(out)["reports"]
    check(len(every) == len(reports) + 1, "reports lists every report")

    def ids(*args):
        rc, out, err = t.run("--json", "reports", *args, index=index)
        if rc != 0:
            return None, err
        return [r["id"] for r in json.loads(out)["reports"]], out

    def expect(pred):
        return [r["id"] for r in every if pred(r)]

    cases = [
        (["year:2025"], lambda r: r["year"] == 2025),
        (["year:2023..2025"], lambda r: r["year"] and 2023 <= r["year"] <= 2025),
        (["year:..2023"], lambda r: r["year"] and r["year"] <= 2023),
        (["year:2025..", "region:乙市"],
         lambda r: r["year"] and r["year"] >= 2025 and r["region"] == "乙市"),
        (["year:2025", "-region:甲省"],
         lambda r: r["year"] == 2025 and r["region"] != "甲省"),
        (["year:2025", "NOT", "region:甲省"],
         lambda r: r["year"] == 2025 and r["region"] != "甲省"),
        (["region:甲省", "OR", "report:2023_济南市钢城区"],
         lambda r: r["region"] in ("甲省", "济南市钢城区")),
        (["(year:2019", "OR", "year:2026)", "-report:2019_甲省"],
         lambda r: r["year"] == 2026),
        (["-year:2020..2030"], lambda r: not (r["year"] and r["year"] >= 2020)),
        (["--", "-region:乙市"], lambda r: r["region"] != "乙市"),
        (["year:1990"], lambda r: False),
    ]
    for args, pred in cases:
        got, out = ids(*args)
        check(got == expect(pred), "reports %s: %s, want %s" %
              (" ".join(args), got, expect(pred)))
    rc, out, err = t.run("reports", "year:2025", "发展", index=index)
    check(rc == 1 and "not a filter" in err and "发展" in err,
          "reports refuses a phrase: %d %s" % (rc, err))
    rc, out, err = t.run("reports", "year:2025..2020", index=index)
    check(rc == 1 and err, "reports refuses a reversed range: " + err)
    rc, out, err = t.run("reports", "--bogus", index=index)
    check(rc == 1 and "unknown option" in err, "reports: unknown option")

    # -- reports on a terminal's width --
    rc, out, _ = t.run("reports", index=index)
    lines = out.rstrip("\n").split("\n")
    check(any(a.corpus in l for l in lines),
          "without $COLUMNS on a pipe nothing is cut (full source paths)")
    for cols in (120, 80, 60, 40):
        rc, out, _ = t.run("reports", env={"COLUMNS": str(cols)},
                           index=index)
        lines = out.rstrip("\n").split("\n")
        over = [l for l in lines if width(l) > cols]
        check(rc == 0 and not over, "COLUMNS=%d: every line fits: %r" %
              (cols, over[:2]))
        check(len(lines) == len(every) + 2, "COLUMNS=%d: every report" % cols)
        check(all(rid in out for rid in reports),
              "COLUMNS=%d: ids stay whole" % cols)
        check("--json" in lines[-1],
              "COLUMNS=%d: the footer says fields were cut" % cols)
    rc, out, _ = t.run("reports", env={"COLUMNS": "100"}, index=index)
    check("…" in out, "COLUMNS=100: long fields cut with …")
    rc, out, _ = t.run("reports", "year:2025", env={"COLUMNS": "80"},
                       index=index)
    check("3 reports" in out.split("\n")[-2], "filters and width together")

    # -- stats: size on disk --
    def db_files(root):
        sizes = {}
        for dirpath, _, files in os.walk(root):
            if os.path.basename(dirpath) == "live":
                continue
            for f in files:
                p = os.path.join(dirpath, f)
                if not re.match(r"db-\d+$", os.path.basename(dirpath)):
                    continue
                table = f[:-6] if f.endswith(".glass") else "other"
                sizes[table] = sizes.get(table, 0) + os.path.getsize(p)
        sizes["total"] = sum(sizes.values())
        return sizes

    rc, out, _ = t.run("--json", "stats", index=index)
    got = json.loads(out).get("size_bytes")
    check(got == db_files(index), "stats size_bytes %s, files %s" %
          (got, db_files(index)))
    rc, out, _ = t.run("stats", index=index)
    check(re.search(r"^size_bytes\s+\d+ \([\d.]+ MiB on disk\)$", out, re.M)
          and re.search(r"^  postlist\s+\d+", out, re.M)
          and re.search(r"^  termlist\s+\d+", out, re.M),
          "stats prints the size, total and per table:\n" + out)
    rc, out, _ = t.run("stats", "--help")
    check("size on disk" in out, "stats --help promises the size")
    sharded = os.path.join(tmp, "sharded")
    rc, _, err = t.index(sharded, src, opts=("--shards", "2"))
    check(rc == 0, "sharded index: " + err)
    rc, out, _ = t.run("--json", "stats", index=sharded)
    got = json.loads(out).get("size_bytes")
    check(got == db_files(sharded), "two shards: size_bytes %s, files %s" %
          (got, db_files(sharded)))

    # -- the daemon --
    d, port = start_searchd(a, index)
    check(d is not None, "searchd starts")
    if d is None:
        return
    try:
        for q in ("year:2025 -region:甲省", "region:乙市 OR year:..2020"):
            st, body, _ = http(port, "/v1/reports", q=q)
            rc, out, _ = t.run("--json", "reports", "--", *q.split(),
                               index=index)
            check(st == 200 and body == out,
                  "/v1/reports?q=%s equals the CLI" % q)
            srv = "http://127.0.0.1:%d" % port
            rc2, out2, _ = t.run("--server", srv, "--json", "reports", "--",
                                 *q.split())
            check(rc2 == 0 and out2 == out, "baogao --server reports " + q)
        st, body, _ = http(port, "/v1/reports")
        check(st == 200 and len(json.loads(body)["reports"]) == len(every),
              "/v1/reports without q: every report")
        st, body, _ = http(port, "/v1/reports", q="发展")
        check(st == 400 and json.loads(body)["error"]["code"] == "bad_query",
              "/v1/reports?q=a phrase: 400 bad_query")
        rc, out, err = t.run("--server", "http://127.0.0.1:%d" % port,
                             "reports", "发展")
        check(rc == 1 and "not a filter" in err,
              "baogao --server reports with a phrase: status 1")
        st, body, _ = http(port, "/v1/reports", q="year:2025", x="1")
        check(st == 400 and "unknown_parameter" in body,
              "/v1/reports: unknown parameter")
        st, body, _ = http(port, "/v1/stats")
        rc, out, _ = t.run("--json", "stats", index=index)
        check(st == 200 and json.loads(body)["size_bytes"] ==
              json.loads(out)["size_bytes"], "/v1/stats size_bytes")
        # A 45 KB request line: the daemon's JSON 414.
        for n in (45 * 1024, 200 * 1024):
            q = "发" * (n // 9)
            st, body, ctype = http(port, "/v1/search", q=q)
            check(st == 414 and ctype == "application/json" and
                  json.loads(body)["error"]["code"] == "query_too_long",
                  "%d KB request line: JSON 414 (%d %s %s)" %
                  (n // 1024, st, ctype, body[:80]))
        st, body, _ = http(port, "/v1/search", q="招商引资 低空经济")
        check(st == 200 and json.loads(body)["total"] == 2,
              "searchd answers after the long requests")
    finally:
        stop_searchd(d)


def test_bad_input(a, t, tmp):
    good = os.path.join(tmp, "good")
    rc, _, err = t.index(good, a.corpus)
    check(rc == 0, "index of corpus/: " + err)

    # -- an index path that is a file --
    files = {"empty": b"", "comment stub": b"# nothing here\n",
             "report": open(os.path.join(a.corpus, "2023_济南市钢城区.txt"),
                            "rb").read(),
             "binary": bytes(range(256))}
    for name, data in files.items():
        path = os.path.join(tmp, "file-" + name.replace(" ", "-"))
        write(path, data)
        for cmd in (["stats"], ["search", "发展"], ["reports"],
                    ["count", "发展"], ["kwic", "发展"],
                    ["reports", "year:2023"]):
            rc, out, err = t.run(*cmd, index=path)
            check(rc == 2 and "not a baogao index" in err and
                  not re.search(r"[A-Za-z]+Error", err),
                  "index path a %s file: %s: %d %r" %
                  (name, cmd[0], rc, err))
        rc, out, err = t.run("--json", "stats", index=path)
        check(rc == 2 and json.loads(out)["error"]["message"].startswith(
            "not a baogao index"), "--json: an error object")
        rc, _, err = t.index(path, a.corpus)
        check(rc == 2 and "not a baogao index" in err,
              "the indexer refuses a %s file: %r" % (name, err))
        with open(path, "rb") as f:
            check(f.read() == data, "the indexer left the file alone")
    d, port = start_searchd(a, os.path.join(tmp, "file-empty"))
    check(d is not None, "searchd starts on a file")
    if d:
        st, body, _ = http(port, "/healthz")
        check(st == 503 and "not a baogao index" in body,
              "searchd on a file: 503 not a baogao index: " + body)
        st, body, _ = http(port, "/v1/search", q="发展")
        check(st == 503 and "not a baogao index" in body,
              "searchd on a file: search 503")
        stop_searchd(d)

    # -- a copy that followed links --
    copy = os.path.join(tmp, "copy-L")
    shutil.copytree(good, copy, symlinks=False)
    check(os.path.isdir(os.path.join(copy, "live")) and
          not os.path.islink(os.path.join(copy, "live")),
          "the copy's live is a folder")
    for args in (["--json", "search", "发展", "--limit", "3"],
                 ["--json", "reports"], ["--json", "count", "发展"]):
        rc1, out1, _ = t.run(*args, index=good)
        rc2, out2, err2 = t.run(*args, index=copy)
        norm = lambda s: re.sub(r'"took_ms": [\d.e-]+', "", s)
        check(rc2 == 0 and norm(out1) == norm(out2),
              "the copy answers as the original: " + args[1])
        check("live is a folder" in err2 and "cp -a" in err2,
              "the copy warns how to copy an index: " + err2)
    stub = open(os.path.join(copy, "XAPIANDB")).read().split()[1]
    rc, _, err = t.index(copy, a.corpus)
    check(rc == 2 and "cp -a" in err and "ln -s %s" % stub in err,
          "the indexer refuses the copy and says how to copy: " + err)
    check(not os.path.exists(os.path.join(copy, "live.tmp")),
          "the refused indexer leaves no live.tmp")
    shutil.rmtree(os.path.join(copy, "live"))
    os.symlink(stub, os.path.join(copy, "live"))
    rc, _, err = t.index(copy, a.corpus)
    check(rc == 0, "with the link back the indexer writes it: " + err)
    rc, out, err = t.run("stats", index=copy)
    check(rc == 0 and not err, "and readers no longer warn: " + err)
    broken = os.path.join(tmp, "copy-broken")
    shutil.copytree(good, broken, symlinks=False)
    os.unlink(os.path.join(broken, "XAPIANDB"))
    shutil.rmtree(os.path.join(broken, stub))
    rc, out, err = t.run("stats", index=broken)
    check(rc == 2 and "copied following links" in err and "cp -a" in err,
          "a copy whose stub names nothing says how to copy: " + err)

    # -- the indexer's warnings --
    src = os.path.join(tmp, "warn")
    seed = open(os.path.join(a.corpus, "2023_济南市钢城区.txt"),
                encoding="utf-8").read()
    write(os.path.join(src, "2023_甲.txt"), seed)
    write(os.path.join(src, "sub", "2023_甲_copy.txt"), seed)
    write(os.path.join(src, "2024_乙.txt"), seed + "另加一段。\n")
    write(os.path.join(src, "新闻.html"),
          "<html><body><p>01:20:01</p><p>今天的新闻内容很多。</p>"
          "</body></html>")
    write(os.path.join(src, "2025_丙.txt"),
          "2025年丙县政府工作报告\n第一段\x00有NUL，\x07响铃，\x1b[31m红色"
          "\x1b[0m。\n第二段\x7f删除，\u0085下一行，\x0c换页。\n")
    idx = os.path.join(tmp, "warn-index")
    rc, _, err = t.index(idx, src)
    check(rc == 0, "warnings keep exit status 0: %d %s" % (rc, err))
    check(len(re.findall(r"has the same text as", err)) == 1 and
          "2023_甲_copy" in err and "'2023_甲'" in err,
          "one warning of the same text under two ids: " + err)
    check(re.search(r"新闻\.html does not look like a report: its title "
                    r"'01:20:01' is a clock time", err),
          "a warning of the page whose title is a clock time: " + err)
    check(re.search(r"2025_丙\.txt: 7 control characters", err),
          "a warning of the control characters dropped: " + err)
    rc, out, _ = t.run("--json", "reports", index=idx)
    check(len(json.loads(out)["reports"]) == 5, "every file is indexed")
    rc2, _, err2 = t.index(idx, src)
    check(rc2 == 0 and "has the same text" in err2,
          "the same text is warned of on every run")
    rc, _, err = t.index(os.path.join(tmp, "warn-q"), src, opts=("-q",))
    check(rc == 0 and err == "", "-q: no warnings: " + err)
    ctl = re.compile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]")
    for args in (["search", "report:2025_丙", "--all"],
                 ["--json", "search", "report:2025_丙", "--all"],
                 ["kwic", "有NUL"], ["search", "第一段有NUL"],
                 ["--json", "compare", "2025_丙", "2025_丙"]):
        rc, out, _ = t.run(*args, index=idx)
        check(rc == 0 and not ctl.search(out),
              "no control character in %s: %r" % (args[-1], out[:200]))
    rc, out, _ = t.run("--json", "search", "report:2025_丙", "--all",
                       index=idx)
    texts = [h["text"] for h in json.loads(out)["hits"]]
    check(texts[1:] == ["第一段有NUL，响铃，[31m红色[0m。",
                        "第二段删除，下一行，换页。"],
          "the text without its control characters: %r" % texts)
    rc, out, _ = t.run("search", "第一段有NUL", index=idx)
    check("1 paragraph" in out, "a phrase across a dropped NUL matches")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--baogao", required=True)
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--corpus", required=True)
    a = ap.parse_args()
    t = Tools(a)
    tmp = tempfile.mkdtemp(prefix="baogao-output-")
    try:
        test_output(a, t, os.path.join(tmp, "output"))
        test_bad_input(a, t, os.path.join(tmp, "bad"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d checks, %d failed" % (CHECKS[0], len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
