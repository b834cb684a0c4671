#!/usr/bin/env python3
"""export_test.py - `--format tsv|csv` of every tabular command, and
`format=` of searchd, read back with Python's csv module and compared with
the JSON answer of the same query.

Indexes corpus/ (the seed report) and a few reports written here whose text
has commas, ASCII quotes and tabs, so that CSV quoting and TSV flattening
are exercised; checks search, count, kwic, similar, compare, keywords and
reports: one header row of export.h's columns, one row per hit, bucket,
line, phrase or report, every field equal to the JSON's; --bom; CRLF line
ends in CSV; searchd's format=csv|tsv answers the CLI's bytes, with
Content-Type and Content-Disposition; bad formats are refused.

usage: export_test.py BAOGAO INDEXER SEARCHD CORPUS_DIR
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


REPORTS = {
    "2021_东湖市.txt": [
        "东湖市人民政府工作报告",
        '我们提出"发展, 再发展"的口号，推动新质生产力发展。',
        "全年完成\t既定目标，发展数字经济，推动新质生产力发展。",
        "推动新质生产力发展，建设数字东湖，发展数字经济。",
    ],
    "2022_东湖市.txt": [
        "东湖市人民政府工作报告",
        '我们提出"发展, 再发展"的口号，加快新质生产力发展。',
        "建设数字东湖，发展低空经济，发展低空经济，发展低空经济。",
    ],
    "2022_西山市.txt": [
        "西山市人民政府工作报告",
        "发展低空经济，推进乡村振兴，推动新质生产力发展。",
    ],
}

COLUMNS = {
    "search": ("hits", ["report", "year", "region", "para", "section", "text", "score"]),
    "similar": ("hits", ["report", "year", "region", "para", "section", "text",
                         "similarity", "score"]),
    "count": ("buckets", ["key", "reports", "reports_total", "paragraphs",
                          "occurrences", "units", "per_10k"]),
    "kwic": ("lines", ["report", "year", "para", "left", "match", "right"]),
    "keywords": ("keywords", ["phrase", "a", "b", "per_10k_a", "per_10k_b", "g2",
                              "log_ratio"]),
    "reports": ("reports", ["id", "year", "region", "title", "date", "speaker",
                            "paragraphs", "units", "bytes", "format", "encoding",
                            "hash", "source"]),
}


def text(v, tsv):
    if v is None:
        s = ""
    elif isinstance(v, bool):
        s = "true" if v else "false"
    elif isinstance(v, list):
        s = " › ".join(v)
    elif isinstance(v, float):
        s = "%.15g" % v
    else:
        s = str(v)
    if tsv:
        s = s.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return s


def want_rows(kind, answer, tsv):
    if kind == "compare":
        rows = [["type", "a_para", "b_para", "similarity", "deleted", "inserted",
                 "phrase", "count"]]
        for p in answer["pairs"]:
            dele = " … ".join(t for op, t in p["diff"] if op == "-")
            ins = " … ".join(t for op, t in p["diff"] if op == "+")
            rows.append(["pair", str(p["a_para"]), str(p["b_para"]),
                         text(p["similarity"], tsv), text(dele, tsv),
                         text(ins, tsv), "", ""])
        for p in answer["only_a"]:
            rows.append(["only_a", str(p["para"]), "", "", text(p["text"], tsv), "",
                         "", ""])
        for p in answer["only_b"]:
            rows.append(["only_b", "", str(p["para"]), "", "", text(p["text"], tsv),
                         "", ""])
        for key, kind_ in (("new_phrases", "new_phrase"), ("gone_phrases", "gone_phrase")):
            for p in answer[key]:
                rows.append([kind_, "", "", "", "", "", p["phrase"], str(p["count"])])
        return rows
    array, cols = COLUMNS[kind]
    head = [answer.get("by", "key") if c == "key" else c for c in cols]
    return [head] + [[text(r.get(c), tsv) for c in cols] for r in answer[array]]


def parse(data, fmt):
    s = data.decode("utf-8")
    if fmt == "csv":
        return list(csv.reader(io.StringIO(s, newline="")))
    return [l.split("\t") for l in s.split("\n")[:-1]]


def main():
    baogao, indexer, searchd, corpus = sys.argv[1:5]
    tmp = tempfile.mkdtemp(prefix="bg-export-")
    daemon = None
    try:
        src = os.path.join(tmp, "src")
        os.makedirs(src)
        for name, paras in REPORTS.items():
            with open(os.path.join(src, name), "w", encoding="utf-8") as f:
                f.write("\n".join(paras) + "\n")
        idx = os.path.join(tmp, "index")
        files = [os.path.join(corpus, f) for f in sorted(os.listdir(corpus))
                 if f.endswith(".txt")]
        subprocess.run([indexer, "--index", idx, "-q"] + files + [src], check=True)

        def cli(*args):
            p = subprocess.run([baogao, "--index", idx] + list(args),
                               capture_output=True)
            if p.returncode != 0:
                raise RuntimeError(f"{args}: {p.stderr.decode()}")
            return p.stdout

        cases = [
            ("search", ["search", "发展", "--all"]),
            ("search", ["search", "再发展"]),
            ("count", ["count", "新质生产力", "--by", "region"]),
            ("count", ["count", "发展"]),
            ("kwic", ["kwic", "发展低空经济"]),
            ("similar", ["similar", "2022_东湖市#2"]),
            ("compare", ["compare", "2021_东湖市", "2022_东湖市", "--min-count", "1"]),
            ("keywords", ["keywords", "report:2022_东湖市", "--min-count", "2",
                          "--min-g2", "0.01"]),
            ("reports", ["reports"]),
        ]
        rows_checked = 0
        for kind, args in cases:
            answer = json.loads(cli("--json", *args))
            for fmt in ("csv", "tsv"):
                data = cli("--format", fmt, *args)
                got = parse(data, fmt)
                want = want_rows(kind, answer, fmt == "tsv")
                check(got == want, f"{fmt} of {args}: {got[:3]} vs {want[:3]}")
                check(len(want) > 1 or kind == "keywords", f"{args}: rows to check")
                rows_checked += len(got)
                if fmt == "csv":
                    check(data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""),
                          f"csv of {args}: CRLF line ends")
        quoted = cli("--format", "csv", "search", "再发展")
        check(b'""' in quoted, "ASCII quotes doubled inside a quoted CSV field")
        bom = cli("--format", "csv", "--bom", "count", "发展")
        check(bom.startswith(b"\xef\xbb\xbf") and bom[3:] == cli("--format", "csv",
                                                                 "count", "发展"),
              "--bom prefixes U+FEFF and nothing else")
        p = subprocess.run([baogao, "--index", idx, "--format", "xls", "count", "x"],
                           capture_output=True, text=True)
        check(p.returncode == 1 and "tsv, csv or json" in p.stderr,
              f"--format xls refused: {p.stderr!r}")
        p = subprocess.run([baogao, "--index", idx, "--format", "csv", "stats"],
                           capture_output=True, text=True)
        check(p.returncode == 1 and "cannot be exported" in p.stderr,
              f"stats has no table: {p.stderr!r}")

        # -- searchd ------------------------------------------------------
        # --show-paths: /v1/reports's sources as the CLI prints them.
        daemon = subprocess.Popen([searchd, "--index", idx, "--listen",
                                   "127.0.0.1:0", "--show-paths"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
        url = None
        t0 = time.time()
        while time.time() - t0 < 20:
            line = daemon.stdout.readline()
            m = re.search(r"listening on (http://\S+)", line or "")
            if m:
                url = m.group(1).rstrip("/")
                break
            if not line and daemon.poll() is not None:
                break
        check(url is not None, "searchd starts")
        if url:
            def get(path, **params):
                try:
                    with urllib.request.urlopen(
                            f"{url}{path}?{urllib.parse.urlencode(params)}") as r:
                        return r.status, dict(r.headers), r.read()
                except urllib.error.HTTPError as e:
                    return e.code, dict(e.headers), e.read()
            for path, params, args in (
                    ("/v1/search", {"q": "发展", "limit": "10"}, ["search", "发展"]),
                    ("/v1/count", {"q": "新质生产力", "by": "region"},
                     ["count", "新质生产力", "--by", "region"]),
                    ("/v1/kwic", {"q": "发展低空经济"}, ["kwic", "发展低空经济"]),
                    ("/v1/reports", {}, ["reports"])):
                for fmt in ("csv", "tsv"):
                    for attempt in range(2):  # the second from the answer cache
                        st, hd, body = get(path, format=fmt, **params)
                        want = cli("--format", fmt, *args)
                        check(st == 200 and body == want,
                              f"{path} format={fmt} as the CLI ({st})")
                        ct = hd.get("Content-Type", "")
                        check(("text/csv" if fmt == "csv" else
                               "text/tab-separated-values") in ct,
                              f"{path} format={fmt}: Content-Type {ct}")
                        cd = hd.get("Content-Disposition", "")
                        check(cd.startswith("attachment") and f".{fmt}" in cd,
                              f"{path} format={fmt}: Content-Disposition {cd!r}")
            st, hd, body = get("/v1/count", q="发展", format="csv", bom="1")
            check(body.startswith(b"\xef\xbb\xbf"), "bom=1 over HTTP")
            st, hd, body = get("/v1/count", q="发展")
            check(st == 200 and "application/json" in hd.get("Content-Type", ""),
                  "without format: JSON")
            st, hd, body = get("/v1/count", q="发展", format="xls")
            check(st == 400 and b"bad_format" in body, f"format=xls: {st} {body[:80]}")
            st, hd, body = get("/v1/stats", format="csv")
            check(st == 400 and b"bad_format" in body, f"/v1/stats format=csv: {st}")
        print(f"export: {rows_checked} rows checked, {len(FAILS)} failures")
        return 1 if FAILS else 0
    finally:
        if daemon:
            daemon.terminate()
            try:
                daemon.wait(10)
            except subprocess.TimeoutExpired:
                daemon.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
