#!/usr/bin/env python3
"""pdf_test.py - reports printed to PDF index to the paragraphs of their text.

Every PDF here is made by the test itself, in its temporary folder, from a
report's .txt twin: the report as a web page (a <p> per paragraph),
printed by headless Chromium in several styles:

  plain     first lines indented, no header or footer (--no-pdf-header-footer)
  browser   the same with Chromium's own header and footer (date, title,
            address, page x/y)
  running   a running head and foot repeated on every page (@page margin
            boxes: 江苏省人民政府文件 / — 政府工作报告 — and "— 3 —")
  spaced    no indents: paragraphs set apart by space, justified, headings
            bold and centred, "第 3 页 共 12 页" in the foot
  large     a small page and a large font, "3/12" in the foot

Each PDF is indexed, and its paragraphs (`baogao search report:ID --all`)
must equal the .txt twin's, exactly, white space aside.  Then:

  - a two-column page and a page with a table: the columns and the cells
    read one after the other, never interleaved;
  - a scan (a page of the report rendered to an image, printed as an image
    PDF): an error without --ocr that says so; with --ocr, read by
    Tesseract, flagged as OCR in `reports`, and its character accuracy
    against the text printed (reported; it must be at least 0.8).

The reports are four of ../shared/corpus (2026_北京市, 2025_广东省,
2026_江苏省, 2024_国务院) when it is there, else the one of corpus/.

usage: pdf_test.py BAOGAO INDEXER CORPUS SHARED_DIR
Environment: BAOGAO_PDF_REPORTS=id,id,... prints those shared reports
instead; BAOGAO_PDF_STYLES=plain,browser,... only those styles;
BAOGAO_KEEP_TMP=1 keeps the PDFs made.
Exit 77 (skipped) when Chromium cannot print; the scan part is skipped
without Tesseract's Chinese data or pdftoppm.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FAILS = []
SHARED_REPORTS = ["2026_北京市", "2025_广东省", "2026_江苏省", "2024_国务院"]


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


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Printer:
    """Headless Chromium printing web pages to PDF."""

    def __init__(self, exe, tmp):
        self.exe = exe
        self.tmp = tmp
        self.n = 0

    def print(self, html_path, pdf_path, header_footer=False):
        self.n += 1
        profile = os.path.join(self.tmp, "chromium-profile-%d" % self.n)
        cmd = [self.exe, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-quic", "--no-first-run",
               "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               "--user-data-dir=" + profile, "--print-to-pdf=" + pdf_path]
        if not header_footer:
            cmd.append("--no-pdf-header-footer")
        cmd.append("file://" + html_path)
        try:
            subprocess.run(cmd, capture_output=True, timeout=180)
        except subprocess.TimeoutExpired:
            pass
        shutil.rmtree(profile, ignore_errors=True)
        return os.path.exists(pdf_path) and os.path.getsize(pdf_path) > 0


def paragraphs(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f.read().splitlines() if l.strip()]


PAGE_NUMBER = re.compile(r"^[-—–－\s]*(\d+|第\s*\d+\s*页)[-—–－\s]*$")


def text_paragraphs(path):
    """The paragraphs of a text twin without page numbers left in it from
    the PDF it was copied out of (corpus/'s report ends with "—22—"): the
    reader rightly drops them from the printed page."""
    return [p for p in paragraphs(path) if not PAGE_NUMBER.match(p)]


def squeeze(s):
    return "".join(s.split())


BASE_CSS = """
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; }
p { margin: 0; }
"""

STYLES = {
    "plain": dict(header_footer=False, css="""
        @page { size: A4; margin: 2cm; }
        body { font-size: 16px; line-height: 1.6; }
        p { text-indent: 2em; }"""),
    "browser": dict(header_footer=True, css="""
        body { font-size: 15px; line-height: 1.5; }
        p { text-indent: 2em; }"""),
    "running": dict(header_footer=False, css="""
        @page { size: A4; margin: 2.5cm 2cm;
          @top-center { content: "江苏省人民政府文件"; font-size: 12px; }
          @bottom-left { content: "— 政府工作报告 —"; font-size: 11px; }
          @bottom-right { content: "— " counter(page) " —"; font-size: 11px; } }
        body { font-size: 16px; line-height: 1.8; }
        p { text-indent: 2em; }"""),
    "spaced": dict(header_footer=False, css="""
        @page { size: A4; margin: 2cm;
          @bottom-center { content: "第 " counter(page) " 页 共 "
                                    counter(pages) " 页"; font-size: 10px; } }
        body { font-size: 14px; line-height: 1.5; }
        p { margin: 0 0 0.8em 0; text-align: justify; }
        p.h { font-weight: bold; text-align: center; }"""),
    "large": dict(header_footer=False, css="""
        @page { size: A5; margin: 1.5cm;
          @bottom-right { content: counter(page) "/" counter(pages);
                          font-size: 9px; } }
        body { font-size: 20px; line-height: 1.4; }
        p { text-indent: 2em; }"""),
}


def heading(p):
    return re.match(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", p)


def write_html(path, title, paras, css):
    body = "\n".join('<p%s>%s</p>' % (
        ' class="h"' if heading(p) and len(p) <= 30 else "",
                                       html.escape(p)) for p in paras)
    with open(path, "w", encoding="utf-8") as f:
        f.write('<!doctype html><html><head><meta charset="utf-8">'
                "<title>%s</title><style>%s%s</style></head><body>%s"
                "</body></html>" % (html.escape(title), BASE_CSS, css, body))


class Index:
    def __init__(self, baogao, indexer, folder):
        self.baogao, self.indexer, self.folder = baogao, indexer, folder

    def add(self, path, *opts):
        return subprocess.run([self.indexer, "--index", self.folder, "-q",
                               *opts, path], capture_output=True)

    def paras(self, rid):
        p = run([self.baogao, "--index", self.folder, "--json", "search",
                 "report:" + rid, "--all"])
        hits = json.loads(p.stdout)["hits"]
        hits.sort(key=lambda h: h["para"])
        return [h["text"] for h in hits]

    def reports(self, json_out=True):
        cmd = [self.baogao, "--index", self.folder] + (
            ["--json"] if json_out else []) + ["reports"]
        return run(cmd).stdout.decode()


def compare(name, got, want):
    """Paragraph lists equal white space aside; prints the first difference."""
    g = [squeeze(p) for p in got]
    w = [squeeze(p) for p in want]
    ok = g == w
    print("%-34s %4d paragraphs (twin %d)%s" % (name, len(got), len(want),
                                                "" if ok else "  DIFFERENT"))
    if not ok:
        for i in range(max(len(g), len(w))):
            a = g[i] if i < len(g) else "<none>"
            b = w[i] if i < len(w) else "<none>"
            if a != b:
                print("  first difference at paragraph %d:\n    pdf: %s\n"
                      "    txt: %s" % (i + 1, a[:120], b[:120]))
                break
    check(ok, "%s: paragraphs differ from the text twin" % name)


def printed_reports(printer, ix_for, tmp, sources):
    for src in sources:
        rid = os.path.basename(src)[:-4]
        want = text_paragraphs(src)
        for style, spec in STYLES.items():
            pick = os.environ.get("BAOGAO_PDF_STYLES")
            if pick and style not in pick.split(","):
                continue
            folder = os.path.join(tmp, style)
            os.makedirs(folder, exist_ok=True)
            page = os.path.join(folder, rid + ".html")
            pdf = os.path.join(folder, rid + ".pdf")
            write_html(page, rid, want, spec["css"])
            if not check(printer.print(page, pdf, spec["header_footer"]),
                         "chromium printed no %s" % pdf):
                continue
            os.remove(page)
            ix = ix_for(style)
            p = ix.add(pdf)
            if not check(p.returncode == 0, "%s: indexer failed: %s" % (
                    pdf, p.stderr.decode(errors="replace"))):
                continue
            compare("%s (%s)" % (rid, style), ix.paras(rid), want)


LAYOUT_CSS = """
@page { size: A4; margin: 2cm; }
body { font-size: 15px; line-height: 1.6; }
p { text-indent: 2em; margin: 0; }
.cols { column-count: 2; column-gap: 2em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
td, th { border: 1px solid #000; padding: 4px 6px; vertical-align: top;
         text-indent: 0; }
"""


def layouts(printer, ix, tmp, paras):
    """A two-column page and a page with a table, from paragraphs of text."""
    body = [p for p in paras if len(p) > 60][:8]
    if len(body) < 6:
        print("layouts: too few long paragraphs; skipped")
        return
    intro = "二、两栏排版与表格"
    cols = body[:4]
    rows = [(body[4][:40], body[4][40:160]), (body[5][:30], body[5][30:140])]
    if len(body) > 6:
        rows.append((body[6][:20], body[6][20:100]))
    after = "以上为表格内容。"
    doc = ('<p style="text-indent:0">%s</p><div class="cols">%s</div>'
           "<table>%s</table><p>%s</p>" % (
               intro, "".join("<p>%s</p>" % html.escape(p) for p in cols),
               "".join("<tr><td>%s</td><td>%s</td></tr>" % (
                   html.escape(a), html.escape(b)) for a, b in rows),
               after))
    folder = os.path.join(tmp, "layouts")
    os.makedirs(folder, exist_ok=True)
    page = os.path.join(folder, "2025_两栏.html")
    pdf = os.path.join(folder, "2025_两栏.pdf")
    with open(page, "w", encoding="utf-8") as f:
        f.write('<!doctype html><html><head><meta charset="utf-8"><style>%s%s'
                "</style></head><body>%s</body></html>" % (
                    BASE_CSS, LAYOUT_CSS, doc))
    if not check(printer.print(page, pdf), "chromium printed no %s" % pdf):
        return
    p = ix.add(pdf)
    if not check(p.returncode == 0, "%s: indexer failed: %s" % (
            pdf, p.stderr.decode(errors="replace"))):
        return
    want = [intro] + cols + [c for r in rows for c in r] + [after]
    compare("two columns and a table", ix.paras("2025_两栏"), want)


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (ca != cb))
        prev = cur
    return prev[len(b)]


def scan(printer, ix, tmp, paras):
    """A page of the report as an image only: OCR or a clear error."""
    langs = ""
    if shutil.which("tesseract"):
        langs = subprocess.run(["tesseract", "--list-langs"],
                               capture_output=True).stdout.decode()
    if "chi_sim" not in langs.split() or not shutil.which("pdftoppm"):
        print("scan: skipped (needs tesseract with chi_sim and pdftoppm)")
        return
    text, n = [], 0
    for p in paras:
        if n + len(p) > 700:
            break
        text.append(p)
        n += len(p)
    folder = os.path.join(tmp, "scan")
    os.makedirs(folder, exist_ok=True)
    page = os.path.join(folder, "text.html")
    write_html(page, "scan", text, """
        @page { size: A4; margin: 2cm; }
        body { font-size: 16px; line-height: 1.7; } p { text-indent: 2em; }""")
    text_pdf = os.path.join(folder, "text.pdf")
    if not check(printer.print(page, text_pdf), "chromium printed no scan"):
        return
    run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile",
         text_pdf, os.path.join(folder, "page")])
    img = os.path.join(folder, "image.html")
    with open(img, "w") as f:
        f.write('<!doctype html><html><head><style>@page { size: A4; margin: 0; }'
                'body { margin: 0; } img { width: 210mm; height: 297mm; display:'
                ' block; }</style></head><body><img src="page.png"></body>'
                "</html>")
    pdf = os.path.join(folder, "1988_扫描.pdf")
    if not check(printer.print(img, pdf), "chromium printed no image PDF"):
        return
    p = ix.add(pdf)
    err = p.stderr.decode(errors="replace")
    check(p.returncode != 0 and "scan" in err and "--ocr" in err,
          "a scan without --ocr: want an error naming --ocr, got %d %r" % (
              p.returncode, err))
    p = ix.add(pdf, "--ocr")
    if not check(p.returncode == 0, "--ocr failed: %s" % p.stderr.decode(
            errors="replace")):
        return
    got = squeeze("".join(ix.paras("1988_扫描")))
    want = squeeze("".join(text))
    # The page may end before the text does: compare with as much of it.
    want = want[:max(len(got), 1) + 20] if len(got) < len(want) else want
    acc = 1 - edit_distance(got, want) / max(len(want), 1)
    print("scan: OCR read %d characters of %d printed; character accuracy "
          "%.3f" % (len(got), len(squeeze("".join(text))), acc))
    check(acc >= 0.8, "OCR character accuracy %.3f is below 0.8" % acc)
    meta = [r for r in json.loads(ix.reports())["reports"]
            if r["id"] == "1988_扫描"]
    check(meta and meta[0].get("ocr") is True,
          "reports --json: the scan is not marked ocr: %r" % meta)
    table = ix.reports(json_out=False)
    row = [l for l in table.splitlines() if "1988_扫描" in l]
    check(row and "ocr" in row[0].split(), "reports: no 'ocr' in %r" % row)


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    baogao, indexer, corpus, shared = sys.argv[1:5]
    exe = find_chromium()
    if not exe:
        print("skipped: no chromium to print PDF with")
        return 77
    tmp = tempfile.mkdtemp(prefix="baogao-pdf-")
    try:
        printer = Printer(exe, tmp)
        probe = os.path.join(tmp, "probe.html")
        with open(probe, "w") as f:
            f.write("<p>probe</p>")
        if not printer.print(probe, os.path.join(tmp, "probe.pdf")):
            print("skipped: chromium cannot print here")
            return 77
        shared_corpus = os.path.join(shared, "corpus")
        sources = [os.path.join(shared_corpus, r + ".txt")
                   for r in SHARED_REPORTS
                   if os.path.exists(os.path.join(shared_corpus, r + ".txt"))]
        if not sources:
            sources = sorted(os.path.join(corpus, f) for f in os.listdir(corpus)
                             if f.endswith(".txt"))[:1]
        # BAOGAO_PDF_REPORTS=id,id,... prints other shared reports instead.
        only = os.environ.get("BAOGAO_PDF_REPORTS")
        if only:
            sources = [os.path.join(shared_corpus, r + ".txt")
                       for r in only.split(",")]
        def ix_for(name):
            return Index(baogao, indexer, os.path.join(tmp, "index-" + name))
        printed_reports(printer, ix_for, tmp, sources)
        ix = ix_for("layouts")
        paras = text_paragraphs(sources[0])
        layouts(printer, ix, tmp, paras)
        scan(printer, ix, tmp, paras)
    finally:
        if os.environ.get("BAOGAO_KEEP_TMP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        return 1
    print("all PDF checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
