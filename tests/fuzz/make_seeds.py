#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets (tests/fuzz/fuzz_<target>.c).

    make_seeds.py OUTDIR [--shared DIR]

OUTDIR/<target>/ gets small inputs cut from the report shipped in corpus/
(as UTF-8, GB18030, Big5, UTF-16), real queries and searchd query strings,
and small Word, HTML and PDF documents built here.  With --shared (the
project's ../shared), pieces of more reports, of the GBK and Big5-HKSCS
test texts, Traditional-character reports and real web pages are added.
Each input starts with the byte its target reads as a selector where the
target has one (see the fuzz_<target>.c banners).  The committed seeds in
tests/fuzz/seeds/ are this script's output without --shared.
"""
import hashlib
import io
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REPORT = os.path.join(ROOT, "corpus", "2023_济南市钢城区.txt")

QUERIES = [
    "高质量发展", "高质量发展 招商引资", "稳中求进 OR 稳中有进",
    "发展 -经济", "发展 NOT 经济", "(营商环境 OR 放管服) 改革",
    '"made in china"', "year:2023", "year:2018..2023 乡村振兴",
    "year:..1990 工业", "year:2018.. 数字经济", "region:广东省 制造业",
    'region:"内蒙古 自治区" 草原', "report:2023_济南市钢城区 项目",
    "ＧＤＰ１２", "GDP 增长", "5G 基站", "PM2.5", "19.4%", "4亿",
    "“一号工程”", "发展(经济)", 'ab"c d"', "-OR", "A NOT B OR C",
    "（一）", "政　府　工　作", "AND", "year:2023..2018", '"', "((", ")",
    "year:abc", "region:", "--x", "NOT -x", "發展 经济", "中国式现代化 AND 新质生产力",
    "((((a))))", "稳就业 保民生 OR 促消费 -疫情 year:2020..2025",
]

PARAMS = [
    (0, "q=%E9%AB%98%E8%B4%A8%E9%87%8F%E5%8F%91%E5%B1%95&limit=10"),
    (0, "q=高质量发展&limit=5&offset=10&sort=-year"),
    (0, "q=%22made+in+china%22&all=1"),
    (0, "q=year%3A2018..2023+%E4%B9%A1%E6%9D%91&sort=year&all"),
    (0, "q=a&limt=5"), (0, "q=a&q=b"), (0, "q=%zz"), (0, "q=%00"),
    (0, "q=%ff%fe"), (0, "q=+++"), (0, "limit=99999999999999999999&q=x"),
    (0, "q=x&offset=-1"), (0, "q=x&sort=up&all=maybe"), (0, "&&q=x&&"),
    (1, "q=%E5%8F%91%E5%B1%95&by=region"), (1, "q=x&by=month"),
    (2, "q=%E5%8F%91%E5%B1%95&width=40&sort=left"), (2, "q=x&width=1001"),
    (3, "para=2023_%E6%B5%8E%E5%8D%97%E5%B8%82%E9%92%A2%E5%9F%8E%E5%8C%BA%2342&limit=5"),
    (3, "text=%E6%8B%9B%E5%95%86%E5%BC%95%E8%B5%84&reports=50&q=year%3A2023"),
    (3, "para=x%23&text=y"), (3, "para=a%230"),
    (4, "a=2023_a&b=2024_b&threshold=0.5&min_count=2&phrases=20"),
    (4, "a=x&b=&threshold=1.5"), (5, ""), (5, "x=1"),
    (6, "gzip, deflate, br"), (6, "gzip;q=0, *;q=0.5"), (6, "x-gzip;q=1.000"),
    (6, "identity, *;q=0"), (6, "GZIP ; Q=0.001"),
]

HTML = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>政府工作报告</title><style>p{color:red}</style><script>var a="<p>";</script></head>
<body><nav>首页 | 要闻</nav><header role="banner">中国政府网</header>
<div class="article"><h4>各位代表：</h4>
<p>现在，我代表国务院，向大会作政府工作报告，<span>请予审议</span>，并请全国
政协各位委员提出意见。</p><h5>一、2013年工作回顾</h5>
<p>GDP增长7.7%<br>居民消费价格涨幅<b>2.6%</b>。</p>
<table><tr><td>（一）</td><td>稳增长</td></tr></table>
<ul><li>1．推进改革</li><li>（1）简政放权</li></ul><pre>第一行
第二行</pre><p>[</p><p>&nbsp;&#x3000;&#12288;&amp;&lt;</p></div>
<footer>版权所有</footer><aside>相关文章</aside></body></html>
"""


def write(outdir, target, data, name=None):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def pieces(text, size, count):
    """count pieces of about size bytes of UTF-8, cut at line ends, from
    the start, the middle and the end of text."""
    lines = text.splitlines(keepends=True)
    out = []
    starts = [0, len(lines) // 3, len(lines) // 2, 2 * len(lines) // 3,
              max(0, len(lines) - 8)]
    for st in starts[:count]:
        buf = ""
        for ln in lines[st:]:
            if len(buf.encode("utf-8")) + len(ln.encode("utf-8")) > size and buf:
                break
            buf += ln
        b = buf.encode("utf-8")[:size]
        out.append(b.decode("utf-8", "ignore"))
    return out


def docx(paras):
    body = "".join(
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>%s</w:t></w:r></w:p>' % p
        if i == 0 else
        '<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:tab/><w:t>甲</w:t>'
        '<w:br/></w:r><w:del><w:r><w:delText>删去</w:delText></w:r></w:del>'
        '<w:ins><w:r><w:t>插入</w:t></w:r></w:ins></w:p>' % p
        for i, p in enumerate(paras))
    body += ('<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
             '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText>'
             '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body>%s</w:body></w:document>' % body)
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
          'package/2006/content-types"><Override PartName="/word/document.xml" ContentType='
          '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        # a fixed date, so that the same seed gets the same name every time
        for name, text in (("[Content_Types].xml", ct), ("word/document.xml", doc)):
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), text,
                       zipfile.ZIP_DEFLATED)
    return b.getvalue()


def pdf(pages):
    """A PDF of ASCII lines in Helvetica, one list of lines per page."""
    objs = []
    npages = len(pages)
    kids = " ".join("%d 0 R" % (4 + 2 * i) for i in range(npages))
    objs.append("<< /Type /Catalog /Pages 2 0 R >>")
    objs.append("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, npages))
    objs.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for lines in pages:
        ops = ["BT /F1 12 Tf 16 TL 72 760 Td"]
        for ln in lines:
            ops.append("(%s) Tj T*" % ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        ops.append("ET")
        stream = "\n".join(ops)
        n = len(objs) + 1
        objs.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (n + 1))
        objs.append("<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = "%PDF-1.4\n"
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += "%d 0 obj\n%s\nendobj\n" % (i + 1, o)
    xref = len(out)
    out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += "".join("%010d 00000 n \n" % o for o in offs)
    out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out.encode("latin-1")


def encodings_seeds(outdir, text):
    # Selectors: 0 detect, 1 UTF-8, 2 UTF-16, 5 GBK, 8 BIG5, 9 BIG5HKSCS.
    write(outdir, "encoding", b"\x00" + text.encode("utf-8"))
    write(outdir, "encoding", b"\x00\xef\xbb\xbf" + text.encode("utf-8"))
    write(outdir, "encoding", b"\x00" + text.encode("gb18030"))
    write(outdir, "encoding", b"\x05" + text.encode("gbk", "ignore"))
    write(outdir, "encoding", b"\x00" + text.encode("big5hkscs", "ignore"))
    write(outdir, "encoding", b"\x09" + text.encode("big5hkscs", "ignore"))
    write(outdir, "encoding", b"\x00" + text.encode("utf-16"))
    write(outdir, "encoding", b"\x02" + text.encode("utf-16-le"))
    write(outdir, "encoding", b"\x02" + text.encode("utf-16-be"))
    # damaged: UTF-8 cut inside a character, GB18030 with a stray byte
    u = text.encode("utf-8")
    write(outdir, "encoding", b"\x00" + u[:-1])
    g = text.encode("gb18030")
    write(outdir, "encoding", b"\x00" + g[: len(g) // 2] + b"\x80" + g[len(g) // 2:])


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    outdir = args[0]
    shared = args[args.index("--shared") + 1] if "--shared" in args else None

    with open(REPORT, encoding="utf-8") as f:
        report = f.read()
    small = pieces(report, 700, 3)
    tiny = pieces(report, 240, 3)

    # units: paragraphs and odd text
    for p in small:
        write(outdir, "units", p)
    for t in ["ＧＤＰ１２ gdp12 5G v1.2 PM2.5 19.4% 1.5万亿元", "政 府\u3000工\t作\u200b报告",
              "ﬁ ß Σσς İ ǅ Ⅻ ㍻ ㈱ ｶﾞ ①②", "〇々〻 かな ハングル 한국어 𠀀𪚥 丽",
              "e\u0301\u0301\u0301 a\u0308\u0323 \ufeff\u00ad", "政府工作報告：發展經濟，臺灣、乾坤、後來；ＧＤＰ增長", "\xff\xfe\xc0\x80\xed\xa0\x80".encode("latin-1").decode("latin-1")]:
        write(outdir, "units", t)
    write(outdir, "units", b"\xc3\x28 \xe2\x82 \xf0\x9f\x98 \xed\xa0\x80 \xf4\x90\x80\x80 A")

    # encoding
    encodings_seeds(outdir, tiny[0])
    write(outdir, "encoding", b"\x00")
    write(outdir, "encoding", b"\x0e" + "abc".encode())

    # report: selector byte (even .txt, odd .md), an id line, the text
    head = "".join(report.splitlines(keepends=True)[:8])
    write(outdir, "report", b"\x00" + "2023_济南市钢城区\n".encode() + head[:900].encode())
    write(outdir, "report", b"\x00" + "fuzz\n".encode() + head[:600].encode())
    for p in small[1:]:
        write(outdir, "report", b"\x00x\n" + p.encode())
    md = ("---\ntitle: x\n---\n# 2024年政府工作报告\n\n## 一、回顾\n\n### （一）经济\n\n"
          "1．增长\n\n（1）投资\n\n一是项目。1.5万亿元。\n\n第一部分 附件\n\n附件1\n\n名词解释\n")
    write(outdir, "report", b"\x01" + "2024_某市\n".encode() + md.encode())
    write(outdir, "report", b"\x00\n" + "1954年政府工作报告\r\n——1954年9月23日在第一届全国人民代表大会第一次会议上\r国务院总理 周恩来\r\n我代表国务院\n".encode())
    write(outdir, "report", b"\x00x\n" + "向第一届全国人民代表大会第三次会议提出\n四川省人民政府省长 施小琳\n——2024年1月在县十八届人大三次会议上\n一、2018年工作回顾\n".encode())

    # query: the raw query text
    for q in QUERIES:
        write(outdir, "query", q)

    # params: selector byte, the query string
    for which, qs in PARAMS:
        write(outdir, "params", bytes([which]) + qs.encode("utf-8"))

    # formats: a web page, a Word document, a PDF
    write(outdir, "formats", HTML)
    write(outdir, "formats", HTML.encode("gb18030"))
    write(outdir, "formats", docx(["一、总体要求"] + [p.splitlines()[0][:60] for p in tiny]))
    write(outdir, "formats", pdf([
        ["2024 Government Work Report", "I. Review of 2023", "The economy grew by 5.2 percent,",
         "and the urban unemployment rate", "averaged 5.2 percent.", "- 1 -"],
        ["2024 Government Work Report", "1. Growth targets", "(1) Consumption", "Page 2"],
    ]))

    if not shared:
        return
    corpus = os.path.join(shared, "corpus")
    names = sorted(n for n in os.listdir(corpus) if n.endswith(".txt"))
    pick = names[:: max(1, len(names) // 12)]
    for n in pick:
        with open(os.path.join(corpus, n), encoding="utf-8", errors="replace") as f:
            t = f.read()
        rid = n[:-4]
        for p in pieces(t, 3000, 3):
            write(outdir, "units", p)
            write(outdir, "report", b"\x00" + (rid + "\n" + p).encode())
        write(outdir, "report", b"\x00x\n" + t[:4000].encode())
        for p in pieces(t, 1500, 2):
            encodings_seeds(outdir, p)
    extra = os.path.join(corpus, "extra", "cpc_congress")
    if os.path.isdir(extra):
        for n in sorted(os.listdir(extra))[:3]:
            with open(os.path.join(extra, n), encoding="utf-8", errors="replace") as f:
                t = f.read()
            for p in pieces(t, 2000, 2):
                write(outdir, "units", p)
                encodings_seeds(outdir, p)
    raw = os.path.join(corpus, "raw-encodings")
    for n, sel in [("pku_test.gbk.txt", b"\x00"), ("pku_test.gbk.txt", b"\x05"),
                   ("cityu_test.big5hkscs.txt", b"\x00"), ("cityu_test.big5hkscs.txt", b"\x09")]:
        p = os.path.join(raw, n)
        if os.path.exists(p):
            with open(p, "rb") as f:
                data = f.read()
            for off in (0, len(data) // 2):
                chunk = data[off:off + 4000]
                nl = chunk.find(b"\n")
                write(outdir, "encoding", sel + chunk[nl + 1 if off else 0:chunk.rfind(b"\n") + 1])
    fmts = os.path.join(corpus, "raw-formats")
    if os.path.isdir(fmts):
        for n in sorted(os.listdir(fmts)):
            p = os.path.join(fmts, n)
            with open(p, "rb") as f:
                data = f.read()
            if n.endswith(".docx") and len(data) < 200000:
                write(outdir, "formats", data)
            elif n.endswith("html"):
                write(outdir, "formats", data[:12000])


if __name__ == "__main__":
    main()
