#!/usr/bin/env python3
"""Side-by-side retrieval speed: jiansuo, ripgrep (`rg -F -c`) and SQLite FTS5 (trigram), on one
corpus and one query set, with a check that all three count the same.

Usage:
    benches/compare.py CORPUS_DIR INDEX_DIR [--queries FILE] [--count N] [--seed N]

Needs: a built jiansuo (target/release/jiansuo, `cargo build --release`), an index of CORPUS_DIR
(`jiansuo index CORPUS_DIR --index INDEX_DIR`), ripgrep (`apt-get install ripgrep`) and python3
with its sqlite3 module (SQLite >= 3.34 for the trigram tokenizer).

Queries: without --queries, `jiansuo bench --kind phrase --save-queries` draws them from the index;
only queries of Han characters are kept (so that a literal match, which rg and FTS5 do, and
jiansuo's match on the matching form, agree; jiansuo is also run with --strict for the check).

Counts compared per query: lines (paragraphs) holding the phrase and documents holding it.
  jiansuo: `phrase --strict --json` (whole process), distinct (doc, line) and docs;
  rg:      `rg -F -c -g '*.txt' -g '*.md'` over the files (lines per file), the files jiansuo reads;
  FTS5:    one row per non-empty line, `MATCH` for >= 3 characters, `LIKE` below (trigram cannot).
Latencies: jiansuo in-process (`jiansuo bench --queries`, counting every occurrence and document),
jiansuo whole process (`phrase --count`), rg whole process, FTS5 in-process (count rows and docs
and fetch the top 10 by bm25, as a search UI would).
"""
import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
JIANSUO = os.path.join(HERE, "..", "target", "release", "jiansuo")
HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round((len(xs) - 1) * p)))]


def run(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t, r


def draw_queries(index, count, seed):
    with tempfile.NamedTemporaryFile("r", suffix=".tsv", delete=False) as f:
        path = f.name
    subprocess.run([JIANSUO, "--index", index, "bench", "--kind", "phrase", "--count", str(count * 3),
                    "--seed", str(seed), "--runs", "1", "--save-queries", path],
                   check=True, capture_output=True)
    qs = [l.rstrip("\n").split("\t", 1)[1] for l in open(path, encoding="utf-8")]
    os.unlink(path)
    return qs


def build_fts(corpus):
    db = sqlite3.connect(":memory:")
    db.execute("create virtual table lines using fts5(doc unindexed, line, tokenize='trigram')")
    # The trigram index cannot answer 1-2 character queries: they scan a plain copy with LIKE.
    db.execute("create table plain(doc, line)")
    t = time.perf_counter()
    size = 0
    rows = []
    for root, _, files in os.walk(corpus):
        for name in files:
            if not name.endswith((".txt", ".md")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, corpus)
            text = open(path, encoding="utf-8", errors="replace").read()
            size += len(text.encode("utf-8"))
            rows.extend((rel, l) for l in text.split("\n") if l.strip())
    db.executemany("insert into lines values (?, ?)", rows)
    db.executemany("insert into plain values (?, ?)", rows)
    db.commit()
    return db, time.perf_counter() - t, size


def fts_query(db, q):
    if len(q) >= 3:
        phrase = '"' + q.replace('"', '""') + '"'
        rows = db.execute("select doc from lines where lines match ?", (phrase,)).fetchall()
        db.execute("select doc, line from lines where lines match ? order by bm25(lines) limit 10", (phrase,)).fetchall()
    else:
        rows = db.execute("select doc from plain where line like ?", ("%" + q + "%",)).fetchall()
        db.execute("select doc, line from plain where line like ? limit 10", ("%" + q + "%",)).fetchall()
    return len(rows), len(set(r[0] for r in rows))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("index")
    ap.add_argument("--queries")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    qs = [l.rstrip("\n") for l in open(a.queries, encoding="utf-8")] if a.queries else draw_queries(a.index, a.count, a.seed)
    qs = [q.split("\t", 1)[-1] for q in qs if q.strip()]
    qs = [q for q in qs if HAN.match(q)][: a.count]
    random.Random(a.seed).shuffle(qs)
    print(f"{len(qs)} queries of 1-16 Han characters", file=sys.stderr)

    # jiansuo in-process: all queries, and the 1-2 character ones alone
    def jiansuo_bench(queries):
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as f:
            f.write("".join(f"phrase\t{q}\n" for q in queries))
            qfile = f.name
        out = subprocess.run([JIANSUO, "--index", a.index, "bench", "--queries", qfile, "--runs", "3", "--json"],
                             capture_output=True, text=True, check=True).stdout
        os.unlink(qfile)
        bench = [json.loads(l) for l in out.splitlines()]
        return next(b for b in bench if b.get("type") == "bench"), next(b for b in bench if b.get("type") == "index")

    inproc, index_info = jiansuo_bench(qs)
    short_qs = [q for q in qs if len(q) <= 2]
    short_inproc = jiansuo_bench(short_qs)[0] if short_qs else None

    db, fts_build, size = build_fts(a.corpus)
    mismatches = 0
    j_whole, r_whole, f_times = [], [], []
    for q in qs:
        t, r = run([JIANSUO, "--index", a.index, "phrase", "--strict", "--json", "-C", "0", "--", q])
        hits = [json.loads(l) for l in r.stdout.splitlines()]
        j_lines = len({(h["doc"], h["line"]) for h in hits if h["type"] == "hit"})
        j_docs = len({h["doc"] for h in hits if h["type"] == "hit"})
        t, _ = run([JIANSUO, "--index", a.index, "phrase", "--count", "--", q])
        j_whole.append(t)
        t, r = run(["rg", "-F", "-c", "-g", "*.txt", "-g", "*.md", "--", q, a.corpus])
        r_whole.append(t)
        counts = [int(l.rsplit(":", 1)[1]) for l in r.stdout.splitlines() if l]
        r_lines, r_docs = sum(counts), len(counts)
        t0 = time.perf_counter()
        f_lines, f_docs = fts_query(db, q)
        f_times.append(time.perf_counter() - t0)
        if not (j_lines == r_lines == f_lines and j_docs == r_docs == f_docs):
            mismatches += 1
            print(f"MISMATCH {q}: jiansuo {j_lines}/{j_docs}, rg {r_lines}/{r_docs}, fts5 {f_lines}/{f_docs}", file=sys.stderr)

    ms = lambda s: s * 1e3
    print(f"corpus {a.corpus}: {size / 1e6:.1f} MB; {len(qs)} queries; counts agree on {len(qs) - mismatches} of {len(qs)}")
    print(f"jiansuo index: {index_info['index_bytes'] / 1e6:.0f} MB, built in {index_info['seconds']:.1f} s "
          f"({index_info['mb_per_s']:.1f} MB/s); FTS5 trigram (in memory): built in {fts_build:.1f} s ({size / 1e6 / fts_build:.1f} MB/s)")
    print(f"{'':34}{'median ms':>10}{'p95 ms':>9}{'p99 ms':>9}")
    rows = [
        ("jiansuo phrase, in-process", inproc["median_us"] / 1e3, inproc["p95_us"] / 1e3, inproc["p99_us"] / 1e3),
        ("SQLite FTS5 trigram, in-process", ms(pct(f_times, .5)), ms(pct(f_times, .95)), ms(pct(f_times, .99))),
        ("jiansuo phrase --count, process", ms(pct(j_whole, .5)), ms(pct(j_whole, .95)), ms(pct(j_whole, .99))),
        ("rg -F -c, process", ms(pct(r_whole, .5)), ms(pct(r_whole, .95)), ms(pct(r_whole, .99))),
    ]
    for name, m, p95, p99 in rows:
        print(f"{name:34}{m:>10.2f}{p95:>9.2f}{p99:>9.2f}")
    print(f"ratios of medians: FTS5 / jiansuo in-process {rows[1][1] / rows[0][1]:.1f}x; "
          f"rg / jiansuo process {rows[3][1] / rows[2][1]:.1f}x")
    short = [i for i, q in enumerate(qs) if len(q) <= 2]
    if short:
        f_short = ms(statistics.median(f_times[i] for i in short))
        j_short = short_inproc["median_us"] / 1e3
        print(f"1-2 character queries ({len(short)}): FTS5 median {f_short:.2f} ms (LIKE scan; trigram cannot), "
              f"jiansuo in-process median {j_short:.2f} ms: {f_short / j_short:.0f}x")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
