#!/usr/bin/env python3
"""compare_oracle.py - `baogao compare` and `baogao similar` on real reports.

compare, on every pair it runs:
  - each pair's "=" and "-" pieces concatenate to A's paragraph and its "="
    and "+" pieces to B's, byte for byte (paragraphs read from the files);
  - pairs increase in both reports; pairs, only_a and only_b cover every
    paragraph of each report exactly once, with its text;
  - with the oracle: each similarity is the Dice coefficient over unit
    pairs computed here, every new (gone) phrase occurs `count` times in B
    (A) and never in the other report.
  Edited copies of real reports (paragraphs dropped, reworded, inserted, by a
  seeded generator) must pair every kept paragraph with its original.  In
  the province reports of 2025 and 2026 (../shared/corpus), a 2026
  paragraph and a 2025 one that are each other's clear counterpart (each
  the other's best match, at least 0.5 alike, the runners-up at most half
  as alike) must be paired unless a pair the alignment kept crosses them
  (the paragraph moved: an alignment in order cannot keep both), and at
  least 90% of them must be paired.

similar: for a lightly reworded paragraph, the paragraph it came from comes
first: edited copies (ground truth), and with ../shared/corpus, 2026
provincial paragraphs whose best match over every other report by brute
force is the same province's 2025 paragraph, clearly; the similarity is the
one computed here.

usage: compare_oracle.py BAOGAO INDEXER CORPUS_DIR SHARED_DIR
Uses the oracle (SHARED_DIR/oracle/units.py) when present; without it, the
checks that need units are skipped.  Standard library only.
"""
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter

BAD = []


def bad(msg):
    BAD.append(msg)
    if len(BAD) <= 40:
        print("FAIL:", msg)


def paragraphs(path):
    with open(path, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip()]


class Units:
    """Dice over unit pairs, with the oracle's units."""

    def __init__(self, oracle):
        self.o = oracle
        self.cache = {}
        self.ucache = {}

    def units(self, text):
        u = self.ucache.get(text)
        if u is None:
            u = self.ucache[text] = self.o.units(text)
        return u

    def pairs(self, text):
        """(pair counts, number of pairs, the units when fewer than two)"""
        c = self.cache.get(text)
        if c is None:
            u = self.units(text)
            c = (Counter(zip(u, u[1:])), max(len(u) - 1, 0),
                 tuple(u) if len(u) < 2 else None)
            self.cache[text] = c
        return c

    def bound(self, a, b):
        """An upper bound of sim(a, b) from the lengths alone."""
        na, nb = self.pairs(a)[1], self.pairs(b)[1]
        return 2 * min(na, nb) / (na + nb) if na + nb else 1.0

    def sim(self, a, b):
        (pa, na, sa), (pb, nb, sb) = self.pairs(a), self.pairs(b)
        if sa is not None or sb is not None:
            return 1.0 if sa == sb else 0.0
        common = sum(min(pa[k], pb[k]) for k in pa.keys() & pb.keys())
        return 2 * common / (na + nb)

    def count(self, paras, phrase):
        q = self.o.units(phrase)
        return sum(self.o.count(self.units(p), q) for p in paras)


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({out.returncode}): {out.stderr}")
    return out.stdout


def check_compare(bg, idx, a_id, b_id, pa, pb, units):
    """Runs compare A B and checks what every answer must satisfy."""
    d = json.loads(run([bg, "--index", idx, "--json", "compare", a_id, b_id]))
    if sorted(d) != sorted(["a", "b", "pairs", "only_a", "only_b",
                            "new_phrases", "gone_phrases"]):
        bad(f"{a_id} {b_id}: keys {sorted(d)}")
    seen_a, seen_b = Counter(), Counter()
    last = (0, 0)
    for p in d["pairs"]:
        i, j = p["a_para"], p["b_para"]
        if not (i > last[0] and j > last[1]):
            bad(f"{a_id} {b_id}: pair {i}->{j} after {last[0]}->{last[1]}")
        last = (i, j)
        seen_a[i] += 1
        seen_b[j] += 1
        ra = "".join(t for op, t in p["diff"] if op in "=-")
        rb = "".join(t for op, t in p["diff"] if op in "=+")
        if any(op not in "=-+" or not t for op, t in p["diff"]):
            bad(f"{a_id} {b_id}: bad piece in {i}->{j}")
        if ra != pa[i - 1]:
            bad(f"{a_id} {b_id}: diff of {i}->{j} does not rebuild A ¶{i}")
        if rb != pb[j - 1]:
            bad(f"{a_id} {b_id}: diff of {i}->{j} does not rebuild B ¶{j}")
        if units and abs(units.sim(pa[i - 1], pb[j - 1]) - p["similarity"]) > 1e-4:
            bad(f"{a_id} {b_id}: similarity of {i}->{j} is "
                f"{units.sim(pa[i - 1], pb[j - 1]):.4f}, baogao {p['similarity']}")
    for side, paras, seen in (("only_a", pa, seen_a), ("only_b", pb, seen_b)):
        for o in d[side]:
            seen[o["para"]] += 1
            if o["text"] != paras[o["para"] - 1]:
                bad(f"{a_id} {b_id}: {side} ¶{o['para']} text differs")
        if seen != Counter(range(1, len(paras) + 1)):
            bad(f"{a_id} {b_id}: {side} and pairs do not cover each paragraph once")
    if units:
        for key, here, there in (("new_phrases", pb, pa), ("gone_phrases", pa, pb)):
            for ph in d[key]:
                c = units.count(here, ph["phrase"])
                if c != ph["count"] or c < 2 or units.count(there, ph["phrase"]):
                    bad(f"{a_id} {b_id}: {key} {ph}: counted {c} here, "
                        f"{units.count(there, ph['phrase'])} in the other")
    return d


# ---- edited copies: ground truth ----

POOL = "发展经济建设推进改革创新城乡民生就业保障安全文化教育科技产业农村绿色"


def reword(p, rng):
    out = []
    for ch in p:
        r = rng.random()
        if r < 0.03:
            continue
        out.append(rng.choice(POOL) if r < 0.10 else ch)
    return "".join(out)


def edit(paras, rng):
    """B from A: (text, original index or None) per paragraph of B."""
    out = []
    for i, p in enumerate(paras):
        r = rng.random()
        if r < 0.08 and i > 0:
            continue  # dropped
        if r < 0.14:
            donor = rng.choice(paras)
            out.append((donor[::-1] + "（新）", None))  # new
        if len(p) >= 30 and rng.random() < 0.4:
            out.append((reword(p, rng), i))
        else:
            out.append((p, i))
    return out


def main():
    bg, indexer, corpus, shared = sys.argv[1:5]
    oracle_dir = os.path.join(shared, "oracle")
    units = None
    if os.path.exists(os.path.join(oracle_dir, "units.py")):
        sys.path.insert(0, oracle_dir)
        import units as oracle
        units = Units(oracle)
    else:
        print("no oracle: similarity and phrase counts not checked")
    rng = random.Random(int(os.environ.get("BAOGAO_SEED", "4")))
    files = sorted(glob.glob(os.path.join(corpus, "*.txt")))
    shared_files = sorted(glob.glob(os.path.join(shared, "corpus", "*.txt")))
    tmp = tempfile.mkdtemp(prefix="bg-compare-")
    try:
        # Edited copies of the shipped report and of a few shared ones.
        sources = files + [f for f in shared_files
                           if os.path.basename(f).startswith("2025_")][:6]
        truth = {}
        edited = []
        for f in sources:
            rid = os.path.basename(f)[:-4]
            year, region = rid.split("_", 1)
            eid = f"{int(year) + 10}_{region}编辑"
            pa = paragraphs(f)
            b = edit(pa, rng)
            path = os.path.join(tmp, eid + ".txt")
            with open(path, "w", encoding="utf-8") as out:
                out.write("\n".join(t for t, _ in b) + "\n")
            edited.append(path)
            truth[eid] = (rid, pa, b)
        idx = os.path.join(tmp, "index")
        subprocess.run([indexer, "--index", idx, "-q"] + files + shared_files + edited,
                       check=True)

        kept = kept_ok = 0
        for eid, (rid, pa, b) in truth.items():
            pb = [t for t, _ in b]
            d = check_compare(bg, idx, rid, eid, pa, pb, units)
            pairs = {p["b_para"]: p["a_para"] for p in d["pairs"]}
            for j, (t, orig) in enumerate(b, 1):
                if orig is None:
                    continue
                kept += 1
                got = pairs.get(j)
                if got is not None and pa[got - 1] == pa[orig]:
                    kept_ok += 1
                else:
                    bad(f"{rid} -> {eid}: B ¶{j} should pair with A ¶{orig + 1}, "
                        f"got {got}")
        # A report compared with itself: every paragraph unchanged.
        f = files[0] if files else shared_files[0]
        rid, pa = os.path.basename(f)[:-4], paragraphs(f)
        d = check_compare(bg, idx, rid, rid, pa, pa, units)
        if len(d["pairs"]) != len(pa) or any(p["diff"] != [["=", pa[p["a_para"] - 1]]]
                                             for p in d["pairs"]):
            bad(f"{rid} compared with itself is not all unchanged")
        print(f"edited copies: {kept_ok}/{kept} kept paragraphs paired with "
              f"their original in {len(truth)} reports")

        # similar on edited copies: the original comes first.
        sim_n = sim_ok = 0
        times = []
        for eid, (rid, pa, b) in truth.items():
            picks = [(j, orig) for j, (t, orig) in enumerate(b, 1)
                     if orig is not None and t != pa[orig] and len(t) >= 40]
            for j, orig in rng.sample(picks, min(3, len(picks))):
                d = json.loads(run([bg, "--index", idx, "--json", "similar",
                                    f"{eid}#{j}", "--limit", "3"]))
                times.append(d["took_ms"])
                sim_n += 1
                h = d["hits"][0] if d["hits"] else {}
                if h.get("report") == rid and pa[h.get("para", 0) - 1] == pa[orig]:
                    sim_ok += 1
                else:
                    bad(f"similar {eid}#{j}: want {rid}#{orig + 1} first, got "
                        f"{[(x['report'], x['para'], x['similarity']) for x in d['hits']]}")
        print(f"similar, edited copies: {sim_ok}/{sim_n} originals first")

        # The shared reports: 2025 vs 2026 of every province.
        if shared_files and units:
            prov = sorted(os.path.basename(f)[5:-4] for f in shared_files
                          if os.path.basename(f).startswith("2026_"))
            prov = [p for p in prov
                    if os.path.exists(os.path.join(shared, "corpus", f"2025_{p}.txt"))]
            clear = clear_ok = 0
            blocked = []
            sources = []
            for p in prov:
                a_id, b_id = f"2025_{p}", f"2026_{p}"
                pa = paragraphs(os.path.join(shared, "corpus", a_id + ".txt"))
                pb = paragraphs(os.path.join(shared, "corpus", b_id + ".txt"))
                t0 = time.time()
                d = check_compare(bg, idx, a_id, b_id, pa, pb, units)
                times_c = time.time() - t0
                pairs = {x["b_para"]: x["a_para"] for x in d["pairs"]}
                sim = [[units.sim(ta, tb) for tb in pb] for ta in pa]
                for j, tb in enumerate(pb, 1):
                    s = sorted(((sim[i - 1][j - 1], i) for i in range(1, len(pa) + 1)),
                               reverse=True)
                    best, i = s[0]
                    second = s[1][0] if len(s) > 1 else 0
                    col = sorted((sim[i - 1][k] for k in range(len(pb))), reverse=True)
                    # A clear counterpart: each the other's best, by far.
                    if best >= 0.5 and second <= best / 2 and col[0] == best and \
                            (len(col) < 2 or col[1] <= best / 2):
                        clear += 1
                        if pairs.get(j) == i:
                            clear_ok += 1
                        elif not any((x - i) * (y - j) < 0 or x == i or y == j
                                     for y, x in pairs.items()):
                            # nothing in the way: the alignment is not the best
                            bad(f"compare {a_id} {b_id}: B ¶{j} should pair with "
                                f"A ¶{i} ({best:.2f}), nothing is in the way")
                        else:
                            blocked.append(f"{b_id} ¶{j} -> A ¶{i} ({best:.2f})")
                    if 0.6 <= best < 1.0 and second <= best / 2 and len(tb) >= 40:
                        sources.append((best, b_id, j, a_id, i))
                if times_c > 5:
                    bad(f"compare {a_id} {b_id} took {times_c:.1f} s")
            print(f"compare, 2025 vs 2026 of {len(prov)} provinces: {clear_ok}/{clear} "
                  f"clear counterparts paired; {len(blocked)} moved out of order "
                  f"(crossing a pair kept): {'; '.join(blocked[:8])}")
            if clear_ok < 0.9 * clear:
                bad(f"compare: only {clear_ok} of {clear} clear counterparts paired")
            # similar: lightly reworded 2026 paragraphs whose best match over
            # every other report is, clearly, the same province's 2025 one.
            allp = []
            for f in files + shared_files + edited:
                rid = os.path.basename(f)[:-4]
                allp += [(rid, n, t) for n, t in enumerate(paragraphs(f), 1)]
            rng.shuffle(sources)
            checked = ok = 0
            for best, b_id, j, a_id, i in sources:
                if checked >= 3 * len(prov):
                    break
                src = paragraphs(os.path.join(shared, "corpus", b_id + ".txt"))[j - 1]
                # the best two by brute force, longest-shot paragraphs last
                cands = sorted(((units.bound(src, t), rid, n, t) for rid, n, t in allp
                                if rid != b_id), reverse=True)
                scores = [(-1, "", 0), (-1, "", 0)]
                for bnd, rid, n, t in cands:
                    if bnd < scores[1][0]:
                        break
                    scores.append((units.sim(src, t), rid, n))
                    scores.sort(key=lambda x: (-x[0], x[1], x[2]))
                    del scores[2:]
                if (scores[0][1], scores[0][2]) != (a_id, i) or \
                        scores[1][0] > scores[0][0] - 0.05:
                    continue
                checked += 1
                d = json.loads(run([bg, "--index", idx, "--json", "similar",
                                    f"{b_id}#{j}", "--limit", "3"]))
                times.append(d["took_ms"])
                h = d["hits"][0] if d["hits"] else {}
                if (h.get("report"), h.get("para")) == (a_id, i) and \
                        abs(h["similarity"] - scores[0][0]) <= 1e-4:
                    ok += 1
                else:
                    bad(f"similar {b_id}#{j}: want {a_id}#{i} ({scores[0][0]:.4f}) "
                        f"first, got {[(x['report'], x['para'], x['similarity']) for x in d['hits']]}")
            print(f"similar, 2026 vs every report: {ok}/{checked} same-province 2025 "
                  f"paragraphs first")
        if times:
            times.sort()
            print(f"similar took {times[len(times) // 2]:.1f} ms median, "
                  f"{times[-1]:.1f} ms at most ({len(times)} runs)")
        # The human output runs, with and without colour.
        for extra in ([], ["--color", "always"]):
            rid = os.path.basename((files or shared_files)[0])[:-4]
            eid = next(iter(truth))
            run([bg, "--index", idx] + extra + ["compare", truth[eid][0], eid])
            run([bg, "--index", idx] + extra + ["similar", f"{eid}#3"])
        print(f"{len(BAD)} failures")
        return 1 if BAD else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
