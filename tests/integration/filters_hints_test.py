#!/usr/bin/env python3
"""filters_hints_test.py - the query language's filters everywhere alike,
and the hints of answers that find nothing, from the CLI and over HTTP.

Indexes corpus/ (the seed report) with a few small reports written here
(two regions sharing a first character, a Latin phrase, a year of its own),
then checks:
  - negated filters and '-' words as query text without "--", in search,
    count, kwic and similar; an unknown option names the one meant;
  - filter keys in any case and with a full-width colon, several values
    (region:A,B and region:(A OR B)), a prefix naming one region, a prefix
    naming several refused with their names;
  - count under filters: reports_total, units and per_10k of the kept
    reports only, buckets without a kept report left out;
  - one hint for each cause of an empty answer (region, year, Traditional
    characters, spaces both ways, full-width quotes, misspelt key, a
    phrase that stops matching), each with its exact paragraphs, and the
    answer itself still 0;
  - /v1/search and /v1/count of baogao-searchd give the same JSON.

usage: filters_hints_test.py BAOGAO INDEXER SEARCHD CORPUS_DIR
Standard library only.
"""
import json
import os
import re
import shutil
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
        print("FAIL:", what)


REPORTS = {
    # Two regions starting with the same character; Latin words.
    "2021_江北省.txt": [
        "江北省人民政府工作报告",
        "我们坚持 made in china 的品质，推动5G网络建设和新质生产力发展。",
        "全年完成 GDP 增长目标，发展数字经济。",
    ],
    "2022_江南省.txt": [
        "江南省人民政府工作报告",
        "推动新质生产力发展，建设数字江南。",
        "坚持“两个毫不动摇”，发展民营经济。",
    ],
    "2022_海东市.txt": [
        "海东市人民政府工作报告",
        "发展特色农业，推进乡村振兴。新质生产力加快形成。",
    ],
}


def run(args, ok=True):
    p = subprocess.run(args, capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise RuntimeError(f"{args}: exit {p.returncode}: {p.stderr}")
    return p


def main():
    baogao, indexer, searchd, corpus = sys.argv[1:5]
    tmp = tempfile.mkdtemp(prefix="bg-filters-")
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
        run([indexer, "--index", idx, "-q"] + files + [src])

        def cli(*args, ok=True):
            return run([baogao, "--index", idx] + list(args), ok=ok)

        def js(*args):
            return json.loads(cli("--json", *args).stdout)

        # -- negated filters and '-' words are query text -----------------
        every = js("search", "新质生产力", "--all")["total"]
        not_jb = js("search", "新质生产力", "-region:江北省", "--all")["total"]
        only_jb = js("search", "新质生产力", "region:江北省", "--all")["total"]
        check(every > 0 and only_jb > 0 and not_jb == every - only_jb,
              f"-region: without --: {every} = {not_jb} + {only_jb}")
        check(js("search", "新质生产力", "NOT", "year:2021", "--all")["total"] == not_jb,
              "NOT year:2021 excludes the one 2021 report")
        check(js("count", "新质生产力", "-report:2022_江南省")["buckets"] ==
              js("count", "新质生产力", "NOT", "report:2022_江南省")["buckets"],
              "-report: in count")
        check(js("kwic", "新质生产力", "-region:江北省")["total"] ==
              js("kwic", "--", "新质生产力 -region:江北省")["total"],
              "-region: in kwic as after --")
        check(js("search", "发展", "-经济", "--all")["total"] ==
              js("search", "--all", "--", "发展 -经济")["total"],
              "-经济 as query text")
        sim = cli("--json", "similar", "2022_江南省#2", "-region:江北省")
        check(sim.returncode == 0 and all(
            h["region"] != "江北省" for h in json.loads(sim.stdout)["hits"]),
            f"similar -region: {sim.stderr}")
        p = cli("search", "新质生产力", "--limt", "3", ok=False)
        check(p.returncode == 1 and "did you mean --limit?" in p.stderr,
              f"unknown option names the one meant: {p.stderr!r}")
        p = cli("count", "新质生产力", "--bye", "region", ok=False)
        check(p.returncode == 1 and "did you mean --by?" in p.stderr,
              f"count --bye: {p.stderr!r}")

        # -- filter keys and values ---------------------------------------
        base = js("search", "新质生产力", "year:2022", "--all")["total"]
        for form in ("Year:2022", "YEAR:2022", "year：2022", "Year：2022"):
            check(js("search", "新质生产力", form, "--all")["total"] == base,
                  f"{form} is year:2022")
        two = js("search", "新质生产力", "region:江北省", "--all")["total"] + \
            js("search", "新质生产力", "region:江南省", "--all")["total"]
        for form in ("region:江北省,江南省", "region:江北省，江南省",
                     "region:(江北省 OR 江南省)", "(region:江北省 OR region:江南省)"):
            check(js("search", "新质生产力", form, "--all")["total"] == two,
                  f"{form}: both regions")
        check(js("search", "新质生产力", "region:海东", "--all")["total"] ==
              js("search", "新质生产力", "region:海东市", "--all")["total"] > 0,
              "region:海东 (a prefix of one region) is 海东市")
        p = cli("search", "新质生产力", "region:江", ok=False)
        check(p.returncode == 1 and "江北省" in p.stderr and "江南省" in p.stderr,
              f"region:江 names both regions it starts: {p.stderr!r}")

        # -- count under filters ------------------------------------------
        c = js("count", "新质生产力", "region:江北省,海东市", "--by", "year")
        keys = [b["key"] for b in c["buckets"]]
        check(keys == ["2021", "2022"], f"buckets of the kept reports only: {keys}")
        b22 = [b for b in c["buckets"] if b["key"] == "2022"][0]
        all22 = [b for b in js("count", "新质生产力")["buckets"] if b["key"] == "2022"][0]
        check(b22["reports_total"] == 1 and all22["reports_total"] == 2,
              f"reports_total 1 of 1 under the filter, 2 without: {b22} {all22}")
        check(b22["units"] < all22["units"] and b22["occurrences"] == 1,
              f"units of the kept report only: {b22} vs {all22}")
        check(b22["per_10k"] == round(b22["occurrences"] * 1e4 / b22["units"], 2),
              f"per_10k of the kept units: {b22}")
        table = cli("count", "新质生产力", "region:江北省,海东市").stdout
        check(re.search(r"2022\s+1 of 1\b", table) is not None,
              f"the table shows '1 of 1': {table!r}")

        # -- hints ----------------------------------------------------------
        def hints(*args):
            a = js(*args)
            total = a.get("total", 0 if a.get("first") is None else 1)
            check(total == 0, f"{args}: the answer stays empty")
            return a.get("hints", [])

        def has_hint(hs, text, query=None):
            for h in hs:
                if text in h["message"] and (query is None or h.get("query") == query):
                    if query is not None:
                        want = js("search", query, "--all")["total"]
                        check(h["paragraphs"] == want,
                              f"hint {query!r}: {h['paragraphs']} paragraphs, "
                              f"search says {want}")
                    return True
            return False

        hs = hints("search", "新质生产力", "region:江北身")
        check(has_hint(hs, "no report has region '江北身'") and
              has_hint(hs, "with the closest region", "新质生产力 region:江北省"),
              f"unknown region: {hs}")
        hs = hints("count", "新质生产力", "region:江北身")
        check(has_hint(hs, "江北省"), f"count hints too: {hs}")
        hs = hints("search", "新质生产力", "year:1990")
        check(has_hint(hs, "no report is from 1990") and has_hint(hs, "2021–2023"),
              f"years the index holds: {hs}")
        hs = hints("search", "新質生產力")
        check(has_hint(hs, "Traditional", "新质生产力"), f"Traditional: {hs}")
        hs = hints("search", '"5 G网络"')
        check(has_hint(hs, "without the spaces", '"5G网络"'), f"spaces: {hs}")
        hs = hints("search", "5", "G网络")
        check(has_hint(hs, "as one word", "5G网络"), f"as one word: {hs}")
        hs = hints("search", "“不曾有过的词”")
        check(not has_hint(hs, "full-width"), f"no full-width hint where none helps: {hs}")
        hs = hints("search", "坚持（两个毫不动摇）")
        check(has_hint(hs, "full-width", "坚持(两个毫不动摇)"), f"full-width: {hs}")
        hs = hints("search", "yaer:2022", "新质生产力")
        check(has_hint(hs, "'yaer:' is not a filter") and
              has_hint(hs, "as a filter", "year:2022 新质生产力"), f"key: {hs}")
        hs = hints("search", "新质生产力加快乡村振兴")
        check(has_hint(hs, "as two words", "新质生产力加快 乡村振兴"), f"split: {hs}")
        plain = cli("search", "新质生产力", "region:江北身").stdout
        check("hint: no report has region '江北身'" in plain,
              f"hints in the terminal: {plain!r}")
        check("hints" not in js("search", "新质生产力"), "no hints when there are hits")

        # -- the same over HTTP ----------------------------------------------
        daemon = subprocess.Popen([searchd, "--index", idx, "--listen", "127.0.0.1:0"],
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
                with urllib.request.urlopen(
                        f"{url}{path}?{urllib.parse.urlencode(params)}") as r:
                    return json.loads(r.read())
            for q in ("新质生产力 -region:江北省", "新质生产力 region:江北身",
                      "yaer:2022 新质生产力"):
                a = get("/v1/search", q=q)
                b = js("search", q)
                a.pop("took_ms"), b.pop("took_ms")
                check(a == b, f"/v1/search {q!r} as the CLI: {a} vs {b}")
            a = get("/v1/count", q="新质生产力 region:江北省,海东市", by="region")
            b = js("count", "新质生产力 region:江北省,海东市", "--by", "region")
            a.pop("took_ms"), b.pop("took_ms")
            check(a == b and all("reports_total" in x for x in a["buckets"]),
                  f"/v1/count as the CLI: {a} vs {b}")
        print(f"filters and hints: {len(FAILS)} failures")
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
