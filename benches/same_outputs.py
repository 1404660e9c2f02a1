#!/usr/bin/env python3
"""Same outputs before and after a change: run a fixed query set with two jiansuo binaries and
compare stdout bytes and exit codes, command by command.

Usage:
    benches/same_outputs.py OLD_BIN NEW_BIN [--corpora DIR] [--keep DIR] [--only seeds|corpora]

Each binary builds its own index of the shipped `corpus/` (and of `../shared/corpora` when it
exists, or --corpora DIR), so the build is compared too (its `index --json` summary, times and
sizes left out). Timings are masked everywhere: `elapsed_us`, `seconds`, `mb_per_s`,
`peak_rss_bytes`, `index_bytes`. Differences are printed as the command and the first differing
line of each side; the exit status is the number of commands that differ (0: all the same).

Typical use: build the previous commit into another target directory
(`git worktree add /tmp/old HEAD~1 && cargo build --release --manifest-path /tmp/old/Cargo.toml`),
then `benches/same_outputs.py /tmp/old/target/release/jiansuo target/release/jiansuo`.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Queries run on both indexes (the seeds' and the corpora's).
COMMON = [
    ["search", "调查研究"],
    ["search", "调查研究", "--json"],
    ["search", "调查研究", "-n", "30", "--snippet", "60"],
    ["search", "群众", "路线", "--json", "-n", "20"],
    ["search", "查", "--json", "-n", "15"],
    ["search", "--theme", "调查研究", "--json", "-n", "20"],
    ["search", "基层", "--theme", "信访接待", "--explain", "--json"],
    ["search", "--theme", "信访接待", "--theme", "群众路线", "--json", "-n", "40"],
    ["search", "--theme", "民生实事", "--not", "群众", "--json", "-n", "20"],
    ["search", "--theme", "作风建设", "-n", "300", "--json"],
    ["search", "--theme", "疫情防控", "--by", "month", "--json"],
    ["search", "基层", "--theme", "信访接待", "--explain"],
    ["search", "没有的词语组合"],
    ["phrase", "调查研究"],
    ["phrase", "调查研究", "--json"],
    ["phrase", "调查研究", "--count"],
    ["phrase", "调查研究", "--count", "--json"],
    ["phrase", "调查研究", "--count", "--strict", "--json"],
    ["phrase", "人民", "--sort", "left", "-C", "8"],
    ["phrase", "人民", "--sort", "right", "-C", "8", "--json"],
    ["phrase", "的", "--count", "--json"],
    ["phrase", "四下基层", "--strict", "--json"],
    ["phrase", "，"],
    ["quote", "没有调查就没有发言权"],
    ["quote", "没有调查就没有发言权", "--json"],
    ["quote", "一切为了群众，一切依靠群众", "--json", "--min-coverage", "0.4"],
    ["quote", "从群众中来，到群众中去", "-n", "3"],
    ["quotes"],
    ["quotes", "--json", "-n", "0"],
    ["quotes", "群众", "--json"],
    ["quotes", "--speaker", "习近平", "--json", "-n", "30"],
    ["quotes", "--kind", "title", "-n", "20"],
    ["quotes", "--min-docs", "2", "--json", "-n", "40"],
    ["themes"],
    ["themes", "--json", "-n", "5"],
    ["keywords"],
    ["keywords", "--json", "-n", "40"],
    ["docs"],
    ["docs", "--json"],
    ["shared", "--json", "-n", "0"],
    ["shared", "-n", "20"],
    ["bench", "--kind", "mixed", "--count", "40", "--runs", "1", "--json"],
]

SEEDS_ONLY = [
    ["themes", "--doc", "000_43c7a6c6068f4716.txt", "--json"],
    ["keywords", "--doc", "001_e15f6f0065914d81.txt", "--json"],
    ["quotes", "--doc", "002_5eb3d9691549dda2.txt", "--json"],
    ["docs", "003_8d1d7b176a206c1a.txt"],
]

CORPORA_ONLY = [
    ["themes", "--doc", "gov_reports", "--json"],
    ["keywords", "--doc", "gov_reports/gwr_2024.txt", "--json"],
    ["quotes", "--doc", "rmrb_2020", "--json", "-n", "30"],
    ["docs", "gov_reports", "--json"],
    ["phrase", "共同富裕", "--count"],
    ["phrase", "中国式现代化", "--json"],
    ["quote", "绿水青山就是金山银山", "--json"],
    ["quote", "人民对美好生活的向往，就是我们的奋斗目标", "-n", "20"],
    ["search", "乡村振兴", "战略", "--json", "-n", "50"],
    ["search", "--theme", "乡村振兴", "--collection", "rmrb_2020", "--json", "-n", "30"],
    ["search", "--theme", "高质量发展", "--since", "2020-03", "--until", "2020-06", "--json"],
    ["themes", "--collection", "cctv_xwlb", "--json", "-n", "3"],
    ["shared", "--min-chars", "30", "-n", "50", "--json"],
]

MASK = re.compile(
    r'"(elapsed_us|seconds|mb_per_s|peak_rss_bytes|index_bytes|median_us|p95_us|p99_us|max_us|qps)"'
    r":[0-9.eE+-]+"
)


STAGES = re.compile(r'"stages":\[\[[^]]*\](,\[[^]]*\])*\]')


def mask(text):
    return STAGES.sub('"stages":#', MASK.sub(lambda m: f'"{m.group(1)}":#', text))


def run(binary, args, index, corpus):
    p = subprocess.run(
        [binary, "--index", index, "--corpus", corpus, "--color", "never", "-q", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return p.returncode, mask(p.stdout.decode("utf-8", "replace").replace(index, "INDEX"))


def build(binary, corpus, index):
    p = subprocess.run(
        [binary, "index", corpus, "--index", index, "--json", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if p.returncode != 0:
        sys.exit(f"{binary} index {corpus} failed: {p.stderr.decode()}")
    return p.returncode, mask(p.stdout.decode().replace(index, "INDEX"))


def first_diff(a, b):
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return i + 1, x[:300], y[:300]
    return min(len(la), len(lb)) + 1, f"({len(la)} lines)", f"({len(lb)} lines)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--corpora", default=os.path.join(ROOT, "..", "shared", "corpora"))
    ap.add_argument("--keep", help="keep the indexes in this directory")
    ap.add_argument("--only", choices=["seeds", "corpora"])
    a = ap.parse_args()
    tmp = a.keep or tempfile.mkdtemp(prefix="jiansuo-same-")
    sets = []
    if a.only != "corpora":
        sets.append(("seeds", os.path.join(ROOT, "corpus"), COMMON + SEEDS_ONLY))
    if a.only != "seeds" and os.path.isdir(a.corpora):
        sets.append(("corpora", a.corpora, COMMON + CORPORA_ONLY))
    differ = total = 0
    for name, corpus, queries in sets:
        indexes = {}
        for side, binary in (("old", a.old), ("new", a.new)):
            index = os.path.join(tmp, f"{name}-{side}")
            if not os.path.isdir(index):
                indexes[side + "_build"] = build(binary, corpus, index)
            indexes[side] = index
        if "old_build" in indexes and indexes["old_build"] != indexes["new_build"]:
            differ += 1
            print(f"[{name}] index --json differs:", *first_diff(indexes["old_build"][1], indexes["new_build"][1]), sep="\n  ")
        for q in queries:
            total += 1
            old = run(a.old, q, indexes["old"], corpus)
            new = run(a.new, q, indexes["new"], corpus)
            if old != new:
                differ += 1
                print(f"[{name}] {' '.join(q)}: exit {old[0]} vs {new[0]}")
                line, x, y = first_diff(old[1], new[1])
                print(f"  line {line}\n  old: {x}\n  new: {y}")
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{total - differ} same, {differ} differ ({total} commands)")
    sys.exit(min(differ, 100))


if __name__ == "__main__":
    main()
