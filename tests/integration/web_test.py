#!/usr/bin/env python3
"""web_test.py - the web workbench in a real browser (headless Chromium).

Indexes corpus/, an edited copy of its report as the next year's (so that
a region has two reports to compare), a report whose id, title and text
hold markup and javascript: links, and the top-level reports of the shared
corpus when ../shared is there; starts baogao-searchd on an ephemeral
port and drives Chromium through Selenium:

  - a search typed in the box and one opened from its URL show the total
    and the hits of /v1/search for the same query, with the same marked
    text; paging and filters change the URL and the hits; back restores;
    a malformed query shows the message of the answer and marks the
    character it names;
  - /time for two phrases draws one point per year with the values of
    /v1/count (data-year, data-value), in each measure, with gaps where no
    report is; the tile map's and the table's values equal /v1/count by
    region for the query they show;
  - /kwic, /compare, /report and /similar show what their endpoints
    answer; the TSV download is `baogao kwic --tsv` byte for byte; the
    deleted and inserted text of the compare view rebuilds both
    paragraphs;
  - the report with markup renders it as text (no element comes from
    data); no console error; no request leaves the origin;
  - screenshots of every page at 1280 and 375 px wide go to --shots; the
    time from navigation to the first search answer is printed.

Exit status 0 when every check passes, 1 otherwise, 77 (skip) when
Chromium cannot be started.

    web_test.py --searchd BIN --indexer BIN --baogao BIN --corpus DIR
                [--shared-corpus DIR] --shots DIR
"""
import os
import sys

try:
    import selenium  # noqa: F401
except ImportError:
    # Debian's python3-selenium is in the system Python's path only.
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3" \
            and not os.environ.get("BAOGAO_WEB_TEST_REEXEC"):
        os.environ["BAOGAO_WEB_TEST_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)

import argparse
import glob
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

FAILS = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what, flush=True)
    return cond


# ---- the daemon and its answers ----

class Daemon:
    def __init__(self, binary, index):
        self.p = subprocess.Popen(
            [binary, "--index", index, "--listen", "127.0.0.1:0", "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.p.stdout.readline().decode()
        if not line.startswith("listening on http://"):
            raise RuntimeError("searchd did not start: " + line)
        self.base = line.split(" ", 2)[2].strip()

    def api(self, name, **params):
        """The JSON answer of /v1/NAME (errors too)."""
        u = self.base + "/v1/" + name + "?" + urllib.parse.urlencode(
            params, doseq=True, quote_via=urllib.parse.quote)
        try:
            with urllib.request.urlopen(u, timeout=60) as r:
                return json.loads(r.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            return json.loads(e.read().decode("utf-8"))

    def stop(self):
        self.p.terminate()
        _, err = self.p.communicate(timeout=10)
        log = err.decode("utf-8", "replace")
        check("Sanitizer" not in log and "runtime error" not in log,
              "no sanitizer report:\n" + log[-2000:])


def page_url(base, path, *pairs):
    return base + path + ("?" + urllib.parse.urlencode(
        list(pairs), quote_via=urllib.parse.quote) if pairs else "")


def merged(matches):
    out = []
    for s, e in sorted(matches):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


# ---- the browser ----

def start_browser(tmp):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    o = Options()
    for arg in ["--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--disable-extensions",
                "--lang=zh-CN", "--user-data-dir=" + os.path.join(tmp, "profile")]:
        o.add_argument(arg)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        o.binary_location = chromium
    o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    d = webdriver.Chrome(service=Service(driver), options=o)
    d.set_page_load_timeout(60)
    d.execute_cdp_cmd("Page.setDownloadBehavior",
                      {"behavior": "allow", "downloadPath": os.path.join(tmp, "downloads")})
    return d


class Browser:
    def __init__(self, driver, base, shots):
        self.d = driver
        self.base = base
        self.shots = shots

    def go(self, path, *pairs):
        self.d.get(page_url(self.base, path, *pairs))

    def wait(self, js, what, timeout=30):
        """Waits until the script js returns a true value; returns it."""
        end = time.time() + timeout
        while time.time() < end:
            v = self.d.execute_script(js)
            if v:
                return v
            time.sleep(0.05)
        check(False, "timed out waiting for " + what)
        return None

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def path(self):
        u = urllib.parse.urlsplit(self.d.current_url)
        return u.path, urllib.parse.parse_qs(u.query)

    def clean_logs(self, where):
        """No console error and no request outside the origin so far."""
        for entry in self.d.get_log("browser"):
            check(entry.get("level") not in ("SEVERE", "ERROR"),
                  "%s: console error: %s" % (where, entry.get("message")))
        for entry in self.d.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") != "Network.requestWillBeSent":
                continue
            # The page's requests, not those of Chromium's own pages.
            if not msg["params"].get("documentURL", "").startswith(self.base + "/"):
                continue
            u = msg["params"]["request"]["url"]
            check(u.startswith(self.base + "/") or u.startswith("blob:" + self.base),
                  "%s: a request outside the origin: %s" % (where, u[:120]))

    def shoot(self, name):
        """Screenshots of the page as it is, 1280 and 375 px wide."""
        for w in (1280, 375):
            self.d.set_window_size(w, 900)
            time.sleep(0.2)
            h = self.js("return document.documentElement.scrollHeight")
            self.d.set_window_size(w, max(600, min(h, 3000)))
            time.sleep(0.2)
            self.d.save_screenshot(os.path.join(self.shots, "%s-%d.png" % (name, w)))
        self.d.set_window_size(1280, 900)


# ---- pages ----

HITS_JS = """
return [...document.querySelectorAll('article.hit')].map((a) => ({
  report: a.dataset.report, para: Number(a.dataset.para),
  text: a.querySelector('.text').textContent,
  marks: [...a.querySelectorAll('.text mark')].map((m) => m.textContent)}));
"""


def expand_all(b):
    b.js("document.querySelectorAll('article.hit button.more').forEach((x) => x.click())")


def check_hits(b, sd, q, where, offset=0, sort="relevance"):
    """The hits shown are /v1/search's for q (page of 20), marks and all."""
    ans = sd.api("search", q=q, limit=20, offset=offset, sort=sort)
    total = b.wait("const t = document.getElementById('total'); return t && t.dataset.total",
                   where + ": total")
    check(total is not None and int(total) == ans["total"],
          "%s: total %s = /v1/search %d" % (where, total, ans["total"]))
    expand_all(b)
    shown = b.js(HITS_JS)
    want = [(h["report"], h["para"]) for h in ans["hits"]]
    check([(h["report"], h["para"]) for h in shown] == want,
          "%s: hits in the order of /v1/search" % where)
    for h, s in zip(ans["hits"], shown):
        cps = list(h["text"])
        marks = ["".join(cps[a:e]) for a, e in merged(h["matches"])]
        check(s["text"] == h["text"], "%s: %s ¶%d text" % (where, h["report"], h["para"]))
        check(s["marks"] == marks, "%s: %s ¶%d marks %r = %r" % (
            where, h["report"], h["para"], s["marks"][:3], marks[:3]))
    return ans


def search_page(b, sd, shared):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    # Typed in the box.
    b.go("/")
    box = b.d.find_element(By.ID, "q")
    box.send_keys("高质量发展", Keys.ENTER)
    b.wait("return location.pathname === '/search'", "the URL of a typed search")
    path, qs = b.path()
    check(qs.get("q") == ["高质量发展"], "typed search: q in the URL (%r)" % qs)
    ans = check_hits(b, sd, "高质量发展", "typed search")
    b.shoot("search")
    b.clean_logs("typed search")

    # Opened from its URL, with a sort and an offset.
    b.go("/search", ("q", "高质量发展 OR 招商引资"), ("sort", "-year"), ("offset", "20"))
    check_hits(b, sd, "高质量发展 OR 招商引资", "search from the URL", 20, "-year")

    # Paging: next changes the URL and the hits; back restores.
    b.go("/search", ("q", "高质量发展"))
    check_hits(b, sd, "高质量发展", "page 1")
    if ans["total"] > 20:
        b.d.find_element(By.CSS_SELECTOR, ".pager a.next").click()
        b.wait("return location.search.includes('offset=20')", "offset=20 in the URL")
        b.wait("return document.querySelector('article.hit') && "
               "!document.querySelector('.loading')", "page 2")
        check_hits(b, sd, "高质量发展", "page 2", 20)
        b.d.back()
        b.wait("return !location.search.includes('offset')", "back to page 1")
        check_hits(b, sd, "高质量发展", "page 1 after back")

    # Filters: a year range and a region rewrite the query in the URL.
    b.wait("return document.querySelector('select[name=from]')", "filters")
    year = "2025" if shared else "2023"
    b.js("document.querySelector('select[name=from]').value = arguments[0];"
         "const s = document.querySelector('select[name=to]'); s.value = arguments[0];"
         "s.dispatchEvent(new Event('change'))", year)
    b.wait("return new URLSearchParams(location.search).get('q').includes('year:')",
           "a year filter in the URL")
    _, qs = b.path()
    check(qs["q"] == ["高质量发展 year:%s" % year], "year filter: q %r" % qs["q"])
    b.wait("return document.getElementById('total')", "filtered hits")
    check_hits(b, sd, qs["q"][0], "year filter")
    region = "广东省" if shared else "济南市钢城区"
    b.wait("return document.querySelector('input[name=region]')", "region boxes")
    b.js("document.querySelector('details.regions').open = true;"
         "const c = [...document.querySelectorAll('input[name=region]')]"
         ".find((x) => x.value === arguments[0]); c.click();"
         "document.querySelector('details.regions button').click()", region)
    b.wait("return new URLSearchParams(location.search).get('q').includes('region:')",
           "a region filter in the URL")
    _, qs = b.path()
    check(qs["q"] == ["高质量发展 year:%s region:%s" % (year, region)],
          "region filter: q %r" % qs["q"])
    b.wait("return document.getElementById('total')", "region hits")
    check_hits(b, sd, qs["q"][0], "region filter")
    check(b.js("return document.querySelector('select[name=from]').value") == year,
          "the year control shows the filter of the URL")
    b.clean_logs("filters")

    # A malformed query: the answer's message, the character marked.
    for bad in ["(高质量 发展", "发展 OR", '"made in']:
        b.go("/search", ("q", bad))
        msg = b.wait("const m = document.querySelector('.error .message');"
                     "return m && m.textContent", "the error of " + bad)
        want = sd.api("search", q=bad, limit=20)["error"]["message"]
        check(msg == want, "error of %r: %r = %r" % (bad, msg, want))
        n = int(re.search(r"character (\d+)", want).group(1))
        marked = b.js("const m = document.querySelector('.error mark.bad');"
                      "return m && m.textContent")
        check(marked == (list(bad) + [" "])[n - 1],
              "error of %r: character %d marked (%r)" % (bad, n, marked))
    b.shoot("search-error")
    # An error is expected in the console for a 400 answer: drop it.
    b.d.get_log("browser")
    b.clean_logs("malformed query")

    # An example runs on click; the language switch.
    b.go("/")
    b.wait("return document.querySelector('.examples a')", "examples")
    b.js("document.querySelector('details').open = true")
    b.d.find_element(By.CSS_SELECTOR, ".examples a").click()
    b.wait("return document.getElementById('total')", "an example's hits")
    _, qs = b.path()
    check_hits(b, sd, qs["q"][0], "example")
    b.d.find_element(By.CSS_SELECTOR, "button.lang").click()
    nav = b.wait("return document.querySelector('#top nav').textContent.includes('Search')"
                 " && document.querySelector('#top nav').textContent", "English")
    check(nav and "Over time" in nav, "the English switch")
    b.wait("return document.getElementById('total')", "hits in English")
    b.d.find_element(By.CSS_SELECTOR, "button.lang").click()
    b.wait("return document.querySelector('#top nav').textContent.includes('搜索')", "Chinese")
    b.clean_logs("examples")


def first_answer(b):
    """Milliseconds from navigation to the first hits, three loads."""
    times = []
    for _ in range(3):
        b.go("/search", ("q", "高质量发展"))
        v = b.wait("return document.body.dataset.firstAnswerMs", "the first answer")
        if v:
            times.append(float(v))
    if times:
        print("first answer of /search?q=高质量发展: %s ms (median %.0f ms)" % (
            ", ".join("%.0f" % t for t in times), statistics.median(times)))


POINTS_JS = """
return [...document.querySelectorAll('svg.linechart circle.pt')].map((c) => [
  Number(c.dataset.series), Number(c.dataset.year), Number(c.dataset.value)]);
"""


def time_page(b, sd, shared):
    from selenium.webdriver.common.by import By
    qs = ["高质量发展", "招商引资"]
    measures = {"per_10k": "per_10k", "occurrences": "occurrences",
                "paragraphs": "paragraphs", "reports": "reports"}
    for m in measures:
        pairs = [("q", q) for q in qs] + ([("m", m)] if m != "per_10k" else [])
        b.go("/time", *pairs)
        b.wait("return document.querySelector('svg.linechart circle.pt')", "the chart")
        pts = b.js(POINTS_JS)
        for i, q in enumerate(qs):
            ans = sd.api("count", q=q, by="year")
            want = {}
            for bk in ans["buckets"]:
                if not bk["key"].isdigit():
                    continue
                if bk.get("reports_total", bk["units"]) == 0:
                    continue
                want[int(bk["key"])] = bk[measures[m]]
            got = {y: v for s, y, v in pts if s == i}
            check(len([1 for s, y, v in pts if s == i]) == len(got),
                  "time %s %s: one point per year" % (q, m))
            check(got.keys() == want.keys(), "time %s %s: the years with reports (%s)" % (
                q, m, sorted(set(got) ^ set(want))[:5]))
            check(all(abs(got[y] - want[y]) < 1e-9 for y in got if y in want),
                  "time %s %s: the values of /v1/count" % (q, m))
            gaps = [y for y in range(min(want), max(want) + 1) if y not in want]
            check(bool(gaps), "time: the corpus has years without reports")
            d = b.js("return document.querySelectorAll('svg.linechart path.line')[arguments[0]]"
                     ".getAttribute('d')", i)
            segments = d.count("M")
            years = sorted(want)
            runs = 1 + sum(1 for a, c in zip(years, years[1:]) if c != a + 1)
            check(segments == runs, "time %s: the line breaks at each gap (%d segments, %d runs)"
                  % (q, segments, runs))
            marks = b.js("return [...document.querySelectorAll('svg.linechart circle.mark')]"
                         ".filter((c) => c.dataset.series === String(arguments[0]))"
                         ".map((c) => c.dataset.year)", i)
            check(sorted(set(marks)) == sorted({ans["first"], ans["last"]} - {None}),
                  "time %s: first and last use marked (%r)" % (q, marks))
        if m == "per_10k":
            b.shoot("time")
        # The tile map and its table against /v1/count by region.
        query = b.wait("const s = document.querySelector('svg.tilemap');"
                       "return s && s.dataset.query", "the tile map")
        if not query:
            continue
        byr = sd.api("count", q=query, by="region")
        vals = {bk["key"]: bk[measures[m]] for bk in byr["buckets"]}
        tiles = b.js("return [...document.querySelectorAll('svg.tilemap .tile')].map((t) =>"
                     " [t.dataset.region, t.dataset.value === undefined ? null : Number(t.dataset.value)])")
        check(len(tiles) == 35, "tile map: 34 regions and 国务院 (%d)" % len(tiles))
        valued = [(r, v) for r, v in tiles if v is not None]
        check(valued or not shared, "tile map: regions with a value")
        for r, v in valued:
            check(r in vals and abs(vals[r] - v) < 1e-9,
                  "tile %s %s: %r = count --by region %r" % (r, m, v, vals.get(r)))
        rows = b.js("return [...document.querySelectorAll('table.regions tbody tr')].map((t) =>"
                    " [t.dataset.region, Number(t.dataset.value)])")
        check(rows, "the table by region has rows")
        for r, v in rows:
            check(r in vals and abs(vals[r] - v) < 1e-9,
                  "table %s %s: %r = %r" % (r, m, v, vals.get(r)))
    b.clean_logs("time")
    # A year opens its concordance; a tile too.
    b.go("/time", *[("q", q) for q in qs])
    b.wait("return document.querySelector('svg.linechart a.col')", "year links")
    year = b.js("const a = [...document.querySelectorAll('svg.linechart a.col')].pop();"
                "return a.dataset.year")
    b.js("[...document.querySelectorAll('svg.linechart a.col')].pop()"
         ".dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, button: 0}))")
    b.wait("return location.pathname === '/kwic'", "the concordance of a year")
    _, p = b.path()
    check(p.get("q") == ["%s year:%s" % (qs[0], year)], "a year's concordance: q %r" % p)
    check_kwic(b, sd, p["q"][0], "year", "a year's concordance")
    # A tile (the shared reports have the provinces; corpus/ alone has
    # none, and a region of the table beside it is followed instead).
    b.go("/time", *[("q", q) for q in qs])
    sel = "svg.tilemap a.tile" if shared else "table.regions tbody a"
    b.wait("return document.querySelector('%s')" % sel, "region links")
    region = b.js("const a = document.querySelector(arguments[0]);"
                  "a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, button: 0}));"
                  "return a.dataset.region || a.textContent", sel)
    b.wait("return location.pathname === '/kwic'", "the concordance of a region")
    _, p = b.path()
    check(p["q"][0].startswith(qs[0] + " year:") and p["q"][0].endswith("region:" + region),
          "a tile's concordance: q %r" % p["q"])
    check_kwic(b, sd, p["q"][0], "year", "a tile's concordance")
    b.clean_logs("time links")


KWIC_JS = """
return [...document.querySelectorAll('table.kwiclines tbody tr')].map((r) => [
  r.querySelector('.ref').textContent, r.querySelector('.l').textContent,
  r.querySelector('.m').textContent, r.querySelector('.r').textContent]);
"""


def check_kwic(b, sd, q, sort, where):
    ans = sd.api("kwic", q=q, sort=sort)
    total = b.wait("const t = document.getElementById('total'); return t && t.dataset.total",
                   where + ": total")
    check(total is not None and int(total) == ans["total"], where + ": total")
    rows = b.js(KWIC_JS)
    want = [["%s ¶%d" % (l["report"], l["para"]), l["left"], l["match"], l["right"]]
            for l in ans["lines"][:len(rows)]]
    check(len(rows) == min(len(ans["lines"]), 1000), where + ": lines shown")
    check(rows == want, where + ": the lines of /v1/kwic")
    return ans


def kwic_page(b, sd, baogao, index, tmp):
    from selenium.webdriver.common.by import By
    q = "招商引资"
    b.go("/kwic", ("q", q))
    check_kwic(b, sd, q, "year", "kwic")
    b.shoot("kwic")
    for sort, label in (("left", "按左侧"), ("right", "按右侧")):
        b.d.find_element(By.LINK_TEXT, label).click()
        b.wait("return location.search.includes('sort=%s')" % sort, "sort " + sort)
        b.wait("return !document.querySelector('.loading') && document.getElementById('total')",
               "sorted lines")
        check_kwic(b, sd, q, sort, "kwic sorted " + sort)
    # The TSV download is what the CLI writes for the same lines.
    dl = os.path.join(tmp, "downloads")
    for f in glob.glob(os.path.join(dl, "*")):
        os.remove(f)
    b.d.find_element(By.CSS_SELECTOR, "a.tsv").click()
    end = time.time() + 20
    path = os.path.join(dl, "kwic.tsv")
    while time.time() < end and not os.path.exists(path):
        time.sleep(0.1)
    time.sleep(0.3)
    cli = subprocess.run([baogao, "--index", index, "kwic", q, "--sort", "right", "--tsv"],
                         capture_output=True, check=True).stdout
    got = open(path, "rb").read() if os.path.exists(path) else b""
    check(got == cli, "the TSV download equals baogao kwic --tsv (%d / %d bytes)"
          % (len(got), len(cli)))
    b.clean_logs("kwic")


def paragraphs(sd, rid):
    ans = sd.api("search", q='report:"%s"' % rid, all=1, sort="year")
    return {h["para"]: h["text"] for h in ans["hits"]}


PAIRS_JS = """
document.querySelectorAll('details.same').forEach((d) => d.open = true);
return [...document.querySelectorAll('.rows .pair')].map((p) => {
  const side = (s) => { const e = p.querySelector('.' + s + ' p'); return e ? {
    text: e.textContent,
    del: [...e.querySelectorAll('del')].map((x) => x.textContent),
    ins: [...e.querySelectorAll('ins')].map((x) => x.textContent)} : null; };
  return {cls: p.className, a: p.dataset.a ? Number(p.dataset.a) : null,
          b: p.dataset.b ? Number(p.dataset.b) : null, sa: side('a'), sb: side('b')};
});
"""


def compare_page(b, sd, a, bid, shoot):
    from selenium.webdriver.common.by import By
    b.go("/compare", ("a", a), ("b", bid))
    b.wait("return document.querySelector('.rows .pair')", "the compare view")
    ans = sd.api("compare", a=a, b=bid)
    pa, pb = paragraphs(sd, a), paragraphs(sd, bid)
    shown = b.js(PAIRS_JS)
    pairs = [s for s in shown if s["a"] and s["b"]]
    check([(s["a"], s["b"]) for s in pairs] == [(p["a_para"], p["b_para"]) for p in ans["pairs"]],
          "compare %s %s: the pairs of /v1/compare" % (a, bid))
    for s, p in zip(pairs, ans["pairs"]):
        check(s["sa"]["text"] == pa[p["a_para"]] and s["sb"]["text"] == pb[p["b_para"]],
              "compare: ¶%d → ¶%d: the two sides are the paragraphs" % (p["a_para"], p["b_para"]))
        check(s["sa"]["del"] == [x for o, x in p["diff"] if o == "-"] and
              s["sb"]["ins"] == [x for o, x in p["diff"] if o == "+"],
              "compare: ¶%d → ¶%d: deleted and inserted text" % (p["a_para"], p["b_para"]))
    check(sorted(s["a"] for s in shown if s["a"] and not s["b"]) == [x["para"] for x in ans["only_a"]],
          "compare: the paragraphs only in A")
    check(sorted(s["b"] for s in shown if s["b"] and not s["a"]) == [x["para"] for x in ans["only_b"]],
          "compare: the paragraphs only in B")
    for s in shown:
        if s["a"] and not s["b"]:
            check(s["sa"]["text"] == pa[s["a"]], "compare: only-A ¶%d text" % s["a"])
        if s["b"] and not s["a"]:
            check(s["sb"]["text"] == pb[s["b"]], "compare: only-B ¶%d text" % s["b"])
    # In place: the order of both reports.
    order_a = [s["a"] for s in shown if s["a"]]
    order_b = [s["b"] for s in shown if s["b"]]
    check(order_a == sorted(order_a) and order_b == sorted(order_b),
          "compare: paragraphs in the order of both reports")
    links = b.js("return [...document.querySelectorAll('.phraselist.new a')].map((a) =>"
                 " [a.textContent, a.getAttribute('href')])")
    check([l[0] for l in links] == [p["phrase"] for p in ans["new_phrases"]],
          "compare: the new phrases")
    check(all(l[1] == "/time?q=" + urllib.parse.quote(l[0]) for l in links),
          "compare: new phrases link to /time")
    gone = b.js("return [...document.querySelectorAll('.phraselist.gone a')].map((a) => a.textContent)")
    check(gone == [p["phrase"] for p in ans["gone_phrases"]], "compare: the dropped phrases")
    if shoot:
        b.js("document.querySelectorAll('details.same').forEach((d) => d.open = false)")
        b.shoot("compare")
    b.clean_logs("compare")


def compare_picker(b, region, a, bid):
    b.go("/compare")
    b.wait("return document.querySelector('form.picker select[name=region]')", "the picker")
    b.js("const f = document.querySelector('form.picker');"
         "const r = f.querySelector('select[name=region]'); r.value = arguments[0];"
         "r.dispatchEvent(new Event('change'));"
         "f.querySelector('select[name=a]').value = arguments[1];"
         "f.querySelector('select[name=b]').value = arguments[2];"
         "f.querySelector('button[type=submit]').click()", region, a, bid)
    b.wait("return location.search.includes('b=')", "the picked comparison")
    _, p = b.path()
    check(p.get("a") == [a] and p.get("b") == [bid], "the picker: a region and two years")


def report_page(b, sd, rid, para, shoot):
    b.go("/report/" + urllib.parse.quote(rid, safe=""))
    b.d.get(b.d.current_url + "#p%d" % para)
    b.wait("return document.querySelector('.paras .para')", "the report")
    want = paragraphs(sd, rid)
    got = b.js("return [...document.querySelectorAll('.paras .para')].map((p) =>"
               " [Number(p.dataset.para), p.querySelector('p').textContent])")
    check({p: t for p, t in got} == want and len(got) == len(want),
          "report %s: every paragraph as /v1/search answers" % rid)
    check(b.js("const e = document.getElementById('p' + arguments[0]);"
               "return e && e.classList.contains('target')", para),
          "report %s: ¶%d highlighted" % (rid, para))
    if shoot:
        b.shoot("report")
    b.clean_logs("report")


def similar_page(b, sd, rid, para):
    b.go("/similar", ("para", "%s#%d" % (rid, para)))
    b.wait("return document.querySelector('article.hit') || document.querySelector('.error')",
           "similar passages")
    ans = sd.api("similar", para="%s#%d" % (rid, para), limit=20)
    shown = b.js(HITS_JS)
    check([(h["report"], h["para"]) for h in shown] ==
          [(h["report"], h["para"]) for h in ans["hits"]], "similar: the hits of /v1/similar")
    b.shoot("similar")
    b.clean_logs("similar")


XSS_ID = "2020_<img src=x onerror=alert(7)>县"
XSS_TITLE = "<script>window.pwned=1</script>\"><img src=x onerror=alert(8)>报告"
XSS_TEXT = ["2020年政府工作报告",
            "——2020年1月8日在\"><img src=x onerror=alert(2)>县第一次会议上",
            "一、工作回顾",
            "我们推进高质量发展，\"><img src=x onerror=alert(3)> 和 <script>window.pwned=2</script>"
            " 以及 javascript:alert(5) 还有 <a href=\"javascript:alert(6)\">链接</a>。",
            "招商引资取得新进展 & 成效 &amp; 更多 <style>body{display:none}</style>。"]


def xss(b, sd):
    q = "高质量发展 report:\"%s\"" % XSS_ID
    b.go("/search", ("q", q))
    check_hits(b, sd, q, "the report with markup")
    b.go("/report/" + urllib.parse.quote(XSS_ID, safe=""))
    b.wait("return document.querySelector('.paras .para')", "the report with markup")
    h1 = b.js("return document.querySelector('main h1').textContent")
    check(h1 == XSS_TITLE, "the title with markup is text (%r)" % h1)
    body = b.js("return document.querySelector('main').textContent")
    check(all(t in body for t in XSS_TEXT), "the text with markup shows as text")
    b.go("/search", ("q", "高质量发展"))
    b.wait("return document.querySelector('input[name=region]')", "region boxes")
    b.go("/compare", ("a", XSS_ID), ("b", XSS_ID))
    b.wait("return document.querySelector('.rows .pair')", "a compare with markup")
    for path in ["/report/" + urllib.parse.quote(XSS_ID, safe="")]:
        b.go(path)
        b.wait("return document.querySelector('.paras .para')", "again")
        n = b.js("return document.querySelectorAll('main img, main script, main style, "
                 "main iframe, #top img').length")
        check(n == 0, "no element made from data (%d)" % n)
        hrefs = b.js("return [...document.querySelectorAll('a')].map((a) => a.getAttribute('href'))")
        check(all(h and (h.startswith("/") or h.startswith("#") or h.startswith("blob:"))
                  for h in hrefs), "every link stays in the origin")
        check(b.js("return window.pwned === undefined"), "no script from data ran")
    b.clean_logs("markup")


def build_index(a, tmp):
    """corpus/, its report edited as 2024's, the report with markup and
    the shared reports; returns (index, shared?)."""
    edited = os.path.join(tmp, "edited")
    os.mkdir(edited)
    src = open(os.path.join(a.corpus, "2023_济南市钢城区.txt"), encoding="utf-8").read()
    out = []
    for line in src.splitlines():
        if line.startswith("思危方能居安"):
            continue
        line = line.replace("——2023年1月5日", "——2024年1月8日")
        line = line.replace("地区生产总值增长6%左右", "地区生产总值增长5.5%左右")
        out.append(line)
        if line.startswith("攻坚招商引资"):
            out.append("发展低空经济。建设通用机场，培育无人机产业园，低空经济规模突破10亿元。")
    with open(os.path.join(edited, "2024_济南市钢城区.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    x = os.path.join(tmp, "xss")
    os.mkdir(x)
    with open(os.path.join(x, XSS_ID + ".txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(XSS_TEXT) + "\n")
    with open(os.path.join(x, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("file\ttitle\n%s.txt\t%s\n" % (XSS_ID, XSS_TITLE))
    paths = [a.corpus, edited, x]
    shared = bool(a.shared_corpus) and os.path.isdir(a.shared_corpus)
    if shared:
        paths += sorted(glob.glob(os.path.join(a.shared_corpus, "*.txt")))
    index = os.path.join(tmp, "index")
    subprocess.run([a.indexer, "-q", "--index", index] + paths, check=True)
    return index, shared


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--searchd", required=True)
    ap.add_argument("--indexer", required=True)
    ap.add_argument("--baogao", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--shared-corpus")
    ap.add_argument("--shots", required=True)
    a = ap.parse_args()
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("SKIP: Chromium cannot be driven: python3-selenium is not installed "
              "(scripts/install-deps.sh installs it)")
        return 77
    tmp = tempfile.mkdtemp(prefix="baogao-web-")
    os.makedirs(a.shots, exist_ok=True)
    driver = sd = None
    try:
        try:
            driver = start_browser(tmp)
        except Exception as e:  # selenium's errors, a missing binary
            print("SKIP: Chromium cannot start: %s" % str(e).strip().splitlines()[0][:300])
            return 77
        index, shared = build_index(a, tmp)
        print("index: corpus/, an edited copy, the report with markup%s" %
              (" and the shared reports" if shared else " (../shared is absent)"))
        sd = Daemon(a.searchd, index)
        b = Browser(driver, sd.base, a.shots)
        first_answer(b)
        search_page(b, sd, shared)
        time_page(b, sd, shared)
        kwic_page(b, sd, a.baogao, index, tmp)
        compare_picker(b, "济南市钢城区", "2023_济南市钢城区", "2024_济南市钢城区")
        compare_page(b, sd, "2023_济南市钢城区", "2024_济南市钢城区", not shared)
        if shared:
            compare_page(b, sd, "2025_广东省", "2026_广东省", True)
        report_page(b, sd, "2023_济南市钢城区", 19, True)
        if shared:
            report_page(b, sd, "2025_国务院", 40, False)
        similar_page(b, sd, "2023_济南市钢城区", 27)
        xss(b, sd)
        print("screenshots in %s" % a.shots)
    finally:
        if driver:
            driver.quit()
        if sd:
            sd.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d checks, %d failed" % (CHECKS[0], len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
