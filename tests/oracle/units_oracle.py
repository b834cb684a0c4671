#!/usr/bin/env python3
"""Cross-checks the unit tokenizer (`baogao --json units`) against the
reference oracle of the matching contract (shared/oracle/units.py).

Inputs: every line of the reports in shared/corpus (when present) and
random strings drawn from an alphabet built to stress normalization:
full-width forms, combining marks, Hangul jamo, half-width katakana with
voiced marks, ligatures, digits and dots, and random assigned code points
of every plane.  Exits non-zero on any difference; skips (exit 0) when the
oracle is not there.

usage: units_oracle.py BAOGAO SHARED_DIR [COUNT]
"""
import glob
import json
import os
import random
import subprocess
import sys
import unicodedata


def main():
    baogao, shared = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    oracle_dir = os.path.join(shared, "oracle")
    if not os.path.exists(os.path.join(oracle_dir, "units.py")):
        print("skipped: no oracle at", oracle_dir)
        return 0
    sys.path.insert(0, oracle_dir)
    import units as oracle

    seed = int(os.environ.get("BAOGAO_SEED", "20231")); rng = random.Random(seed)
    lines = []
    for f in sorted(glob.glob(os.path.join(shared, "corpus", "*.txt"))):
        with open(f, encoding="utf-8") as fh:
            lines += [l.rstrip("\n") for l in fh]
    pieces = list("发展经济高质量，。、“”《》（）—…·%+-.:；！？0123456789aZ ") + [
        "Ｇ", "Ｄ", "１", "．", "５", "\u3000", "\u00a0", "\u200b", "\ufeff",
        "e\u0301", "\u0301", "\u0323", "\u0307", "ß", "İ", "ﬁ", "①", "㎏",
        "ｶ", "ﾞ", "ﾟ", "\u1100", "\u1161", "\u11a8", "가", "\u0b47", "\u0b3e",
        "Ω", "Ⅻ", "²", "½", "\U00020000", "\uf900", "\U0002f800", "〇", "々",
        "ア", "ｱ", "\t", "\x07", "\u2028", "v", "1.2", "PM2.5", "GDP",
    ]
    # random assigned code points, the same in Python's Unicode and newer
    assigned = []
    while len(assigned) < 4000:
        cp = rng.randrange(0x20, 0x30000)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if unicodedata.category(c) != "Cn":
            assigned.append(c)
    rand = []
    for _ in range(count):
        k = rng.randint(1, 14)
        s = "".join(rng.choice(pieces) if rng.random() < 0.8 else rng.choice(assigned)
                    for _ in range(k))
        rand.append(s.replace("\n", " ").replace("\r", " "))
    inputs = [l for l in lines + rand if "\n" not in l and "\r" not in l]
    # newline-like characters would split stdin lines; keep them out
    inputs = [s for s in inputs if not any(ch in s for ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")]
    proc = subprocess.run([baogao, "--json", "units"], input="\n".join(inputs) + "\n",
                          capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        print("baogao units failed:", proc.stderr)
        return 1
    got = [json.loads(l) for l in proc.stdout.splitlines()]
    if len(got) != len(inputs):
        print(f"expected {len(inputs)} lines of output, got {len(got)}")
        return 1
    bad = 0
    newer = 0
    for s, g in zip(inputs, got):
        want = oracle.units(s)
        have = [u["unit"] for u in g["units"]]
        if want != have:
            # Characters whose properties differ between Python's Unicode
            # version and utf8proc's are not the engine's fault.
            if any(unicodedata.category(c) == "Cn" for c in unicodedata.normalize("NFKC", s)):
                newer += 1
                continue
            bad += 1
            if bad <= 10:
                print("MISMATCH", repr(s), "oracle", want, "baogao", have)
    print(f"{len(inputs)} texts compared ({len(lines)} report lines, {count} random), "
          f"{bad} differ, {newer} skipped for Unicode version differences, seed {seed}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
