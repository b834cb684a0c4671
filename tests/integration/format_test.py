#!/usr/bin/env python3
"""format_test.py - index formats 4, 5 and 6 give the same answers.

usage: format_test.py BAOGAO BAOGAO_INDEX CORPUS SHARED

Builds the same reports (CORPUS, plus 40 of SHARED/corpus when it is
there) in index formats 4, 5 and 6 and compares every answer (search
--all, count --by year, kwic) of a set of queries; then upgrades copies of
the format 4 and format 5 indexes in place, first half of the reports (an
index holding two formats) and then all, and compares again; then changes,
removes and adds reports in the format 6 index and compares it with a
fresh build of the changed files; then two shards in format 6.  Exit 1 on
the first difference.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

QUERIES = ["高质量发展", "发展", "的", "稳中求进 OR 稳中有进", "发展 -经济",
           "gdp", "5%左右", "人民群众", "全面建设社会主义现代化国家",
           "经济 year:2020..2025", "（一）", "新质生产力 改革", "测试段落甲乙"]


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    return p.returncode, p.stdout, p.stderr


def answers(baogao, index):
    out = []
    for q in QUERIES:
        for cmd in (["search", q, "--all"], ["count", q, "--by", "year"],
                    ["kwic", q]):
            rc, so, se = run([baogao, "--index", index, "--json"] + cmd)
            if rc not in (0, 1):
                sys.exit("%s %s: exit %d: %s" % (index, cmd, rc, se))
            try:
                d = json.loads(so)
            except ValueError:
                d = so
            if isinstance(d, dict):
                d.pop("took_ms", None)
            out.append((" ".join(cmd), json.dumps(d, sort_keys=True)))
    return out


def same(label, a, b):
    for (qa, x), (_, y) in zip(a, b):
        if x != y:
            print("FAIL %s: %s differs" % (label, qa))
            print("  " + x[:300])
            print("  " + y[:300])
            sys.exit(1)
    print("ok   %s (%d answers)" % (label, len(a)))


def index(indexer, idx, files, *opts):
    rc, so, se = run([indexer, "-q", "--index", idx] + list(opts) + files)
    if rc != 0:
        sys.exit("baogao-index %s: exit %d: %s" % (" ".join(opts), rc, se))


def main():
    baogao, indexer, corpus, shared = sys.argv[1:5]
    tmp = tempfile.mkdtemp(prefix="baogao-format-")
    try:
        src = os.path.join(tmp, "src")
        os.mkdir(src)
        files = sorted(glob.glob(os.path.join(corpus, "*.txt")))
        files += sorted(glob.glob(os.path.join(shared, "corpus", "*.txt")))[:40]
        for f in files:
            shutil.copy(f, src)
        first = sorted(glob.glob(os.path.join(src, "*.txt")))
        # A report of our own, so a query of it has one answer.
        with open(os.path.join(src, "2030_测试市.txt"), "w") as f:
            f.write("2030年政府工作报告\n测试段落甲乙，发展经济。\n"
                    "高质量发展，测试段落甲乙。\n")
        env = dict(os.environ)
        env.pop("BAOGAO_INDEX_FORMAT", None)

        i4, i5, i6 = (os.path.join(tmp, n) for n in ("i4", "i5", "i6"))
        index(indexer, i4, [src], "--format", "4")
        index(indexer, i5, [src], "--format", "5")
        index(indexer, i6, [src], "--format", "6")
        a4 = answers(baogao, i4)
        same("format 5 = format 4", a4, answers(baogao, i5))
        same("format 6 = format 4", a4, answers(baogao, i6))

        # Upgrade in place (the default format is 6): half, then all.
        # At least one file, so that the index holds two formats even
        # without the shared reports (the report of our own stays behind).
        half = first[: max(1, len(first) // 2)]
        for old in (i4, i5):
            name = os.path.basename(old)[1]
            up = os.path.join(tmp, "up" + name)
            shutil.copytree(old, up, symlinks=True)
            index(indexer, up, half)
            same("format %s index half upgraded = format 4" % name, a4,
                 answers(baogao, up))
            index(indexer, up, [src])
            same("format %s index upgraded = format 4" % name, a4,
                 answers(baogao, up))
        # And back: --format 4 and --format 5 on a format 6 index.
        for fmt in ("4", "5"):
            down = os.path.join(tmp, "down" + fmt)
            shutil.copytree(i6, down, symlinks=True)
            index(indexer, down, half, "--format", fmt)
            same("format 6 index half in format %s = format 4" % fmt, a4,
                 answers(baogao, down))

        # Changes in a format 6 index: a report edited, one removed, one
        # added, and the same report edited twice in one run.
        edited = first[min(3, len(first) - 1)]
        with open(edited, encoding="utf-8") as f:
            lines = f.read().split("\n")
        lines.insert(2, "测试段落甲乙：人民群众的高质量发展。")
        del lines[4]
        with open(edited, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        os.remove(first[7] if len(first) > 7 else
                  os.path.join(src, "2030_测试市.txt"))
        with open(os.path.join(src, "2031_测试县.txt"), "w") as f:
            f.write("2031年政府工作报告\n发展经济，稳中求进，测试段落甲乙。\n")
        index(indexer, i6, [src], "--prune")
        fresh = os.path.join(tmp, "fresh")
        index(indexer, fresh, [src])
        af = answers(baogao, fresh)
        same("format 6 index updated = fresh build", af, answers(baogao, i6))

        # Shards in format 6, read as one.
        sh = os.path.join(tmp, "sh")
        index(indexer, sh, [src], "--shards", "2")
        same("two format 6 shards = one index", af, answers(baogao, sh))

        for bad in ("7", "3", "66"):
            rc, _, se = run([indexer, "--index", os.path.join(tmp, "x"),
                             "--format", bad, src])
            if rc != 1 or "--format" not in se:
                sys.exit("FAIL --format %s: exit %d: %s" % (bad, rc, se))
            print("ok   --format %s refused" % bad)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
