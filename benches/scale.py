#!/usr/bin/env python3
"""How jiansuo's costs grow with the corpus: one table over several corpus sizes.

usage: benches/scale.py [--sizes 38,250,1000] [--out DIR] [--corpora DIR] [--count N]
                        [--runs N] [--repeat N] [--no-shared] [--bin PATH]

For each size S (MB of text) it makes a corpus with ../shared/tools/make-scale-corpus (the real
corpora plus earlier "years" built from their sentences) in OUT/corpus-S (kept and reused when it
is there: the corpora are never written into the repository), builds OUT/index-S with the
corpus's manifest, and measures:

* the build: wall time, MB/s, peak RSS, index size against the text, segments;
* an update that adds one file (the usual change to an archive);
* whole-process timings of the commands a user runs (median of --repeat runs; peak RSS of the
  slowest): a rare and a common phrase counted, search, quote, the quotation clusters, speakers,
  docs/keywords with a filter, themes, shared phrases, near-duplicates, reuse of a 10,000-character
  text;
* `jiansuo bench --kind mixed` in-process: median and p99 per kind, with the hit totals, which
  must not change between two builds that answer the same.

Then it prints one Markdown table (a column per size and the growth from the first to the last)
and writes every figure to OUT/scale.json. Costs to watch are those that grow faster than the
text. The 1 GB run is by hand (about an hour on a 2-core box); a small version of it runs in the
tests (`tests/scale_script.rs`) so that it cannot rot.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, '..', 'shared')


def run(cmd, stdin=None):
    """Run a command: (wall seconds, exit code, stdout, stderr)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(stdin)
    return time.perf_counter() - t, p.returncode, out, err


def timed(cmd, stdin=None):
    """Wall seconds (perf_counter around the process) and peak RSS MB (GNU time) of one run."""
    with tempfile.NamedTemporaryFile('r', suffix='.time') as tf:
        full = ['/usr/bin/time', '-f', '%M', '-o', tf.name] + cmd if os.path.exists('/usr/bin/time') else cmd
        wall, code, out, err = run(full, stdin)
        try:
            kb = int(open(tf.name).read().strip().splitlines()[-1])
        except (ValueError, IndexError):
            kb = 0
    if code not in (0, 1):
        sys.exit(f'scale: {" ".join(cmd)} failed ({code}): {err.decode(errors="replace")[-2000:]}')
    return wall, kb / 1024, out


def repeat(cmd, n, stdin=None):
    walls, rss, out = [], 0.0, b''
    for _ in range(n):
        w, r, out = timed(cmd, stdin)
        walls.append(w)
        rss = max(rss, r)
    return {'s': statistics.median(walls), 'min_s': min(walls), 'max_s': max(walls), 'rss_mb': rss}, out


def text_bytes(corpus):
    n = 0
    for r, _, fs in os.walk(corpus):
        for f in fs:
            if f.endswith('.txt'):
                n += os.path.getsize(os.path.join(r, f))
    return n


def dir_bytes(d):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)


def make_corpus(args, size):
    out = os.path.join(args.out, f'corpus-{size}')
    if os.path.exists(os.path.join(out, 'manifest.tsv')):
        return out
    if os.path.exists(out):
        shutil.rmtree(out)
    cmd = [os.path.join(SHARED, 'tools', 'make-scale-corpus'), out, '--mb', str(size)]
    if args.corpora:
        cmd += ['--corpora', args.corpora]
    print(f'scale: making a {size} MB corpus in {out}', file=sys.stderr)
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return out


def reuse_text(corpus):
    """10,000 characters of two government work reports (5,000 of the first, 5,000 of another)."""
    gov = os.path.join(corpus, 'gov_reports')
    files = sorted(f for f in os.listdir(gov) if f.endswith('.txt'))
    a = open(os.path.join(gov, files[-1]), encoding='utf-8').read()
    b = open(os.path.join(gov, files[0]), encoding='utf-8').read()
    return (a[:5000] + '\n' + b[:5000]).encode('utf-8')


def measure(args, size):
    corpus = make_corpus(args, size)
    index = os.path.join(args.out, f'index-{size}')
    j = [args.bin, '-q', '--index', index]
    res = {'size_mb': size, 'text_bytes': text_bytes(corpus)}
    if os.path.exists(index):
        shutil.rmtree(index)
    print(f'scale: building {index}', file=sys.stderr)
    w, rss, out = timed(j + ['index', corpus, '--meta', os.path.join(corpus, 'manifest.tsv'), '--json'])
    summary = json.loads(out)
    res['build'] = {'s': w, 'rss_mb': rss, 'mb_per_s': res['text_bytes'] / 1e6 / w,
                    'index_bytes': dir_bytes(index), 'segments': summary.get('segments'),
                    'documents': summary.get('documents'), 'passages': summary.get('passages')}
    # An update: one new document (a copy of a report with its first line changed).
    gov = os.path.join(corpus, 'gov_reports')
    src = sorted(f for f in os.listdir(gov) if f.endswith('.txt'))[0]
    added = os.path.join(gov, 'zz_scale_added.txt')
    with open(os.path.join(gov, src), encoding='utf-8') as fh:
        body = fh.read()
    with open(added, 'w', encoding='utf-8') as fh:
        fh.write('规模测试新增文件\n' + body)
    try:
        w, rss, _ = timed(j + ['index', '--json'])
        res['update_one_file'] = {'s': w, 'rss_mb': rss}
    finally:
        os.remove(added)
    # Back to the corpus as made (the removal is an update too, not timed).
    timed(j + ['index', '--json'])

    cmds = {
        'phrase (rare) --count': ['phrase', args.rare, '--count', '--json'],
        'phrase (common) --count': ['phrase', args.common, '--count', '--json'],
        'search': ['search', '调查研究', '基层', '--json'],
        'quote': ['quote', '绿水青山就是金山银山', '--json'],
        'quotes': ['quotes', '-n', '20', '--json'],
        'speakers': ['speakers', '--json'],
        'docs --collection': ['docs', '--collection', 'gov_reports', '--json'],
        'keywords --collection': ['keywords', '--collection', 'gov_reports', '--json'],
        'themes': ['themes', '--json'],
        'docs --duplicates': ['docs', '--duplicates', '--json'],
    }
    res['commands'] = {}
    for name, c in cmds.items():
        r, out = repeat(j + c, args.repeat)
        if name.startswith('phrase'):
            summary = [json.loads(l) for l in out.splitlines() if b'"summary"' in l]
            r['hits'] = summary[-1]['hits'] if summary else 0
        res['commands'][name] = r
    text = reuse_text(corpus)
    r, _ = repeat(j + ['reuse', '-', '--json'], args.repeat, stdin=text)
    res['commands']['reuse (10,000 characters)'] = r
    if not args.no_shared:
        r, _ = repeat(j + ['shared', '-n', '20', '--json'], 1)
        res['commands']['shared'] = r

    print(f'scale: bench on {index}', file=sys.stderr)
    w, rss, out = timed(j + ['bench', '--kind', 'mixed', '--count', str(args.count), '--runs',
                             str(args.runs), '--json'])
    res['bench'] = {'rss_mb': rss}
    for line in out.splitlines():
        row = json.loads(line)
        if row.get('type') == 'bench':
            res['bench'][row['kind']] = {'median_ms': row['median_us'] / 1e3,
                                         'p99_ms': row['p99_us'] / 1e3, 'hits': row['hits'],
                                         'queries': row['queries']}
    return res


def table(results):
    sizes = [r['size_mb'] for r in results]
    head = '| what | ' + ' | '.join(f'{s} MB' for s in sizes) + f' | growth ({sizes[-1] / sizes[0]:.0f}× the text) |'
    rows = [head, '|---|' + '---|' * len(sizes) + '---|']

    def add(name, values, fmt):
        cells = [fmt(v) if v is not None else '–' for v in values]
        growth = ''
        if values[0] and values[-1] and len(values) > 1:
            growth = f'{values[-1] / values[0]:.1f}×'
        rows.append(f'| {name} | ' + ' | '.join(cells) + f' | {growth} |')

    add('text (MB)', [r['text_bytes'] / 1e6 for r in results], lambda v: f'{v:.1f}')
    add('documents', [r['build']['documents'] for r in results], lambda v: f'{v:,}')
    add('build (s)', [r['build']['s'] for r in results], lambda v: f'{v:.1f}')
    add('build MB/s', [r['build']['mb_per_s'] for r in results], lambda v: f'{v:.1f}')
    add('build peak RSS (MB)', [r['build']['rss_mb'] for r in results], lambda v: f'{v:.0f}')
    add('index ÷ text', [r['build']['index_bytes'] / r['text_bytes'] for r in results], lambda v: f'{v:.2f}')
    add('segments', [r['build']['segments'] for r in results], lambda v: f'{v}')
    add('update, one file added (s)', [r['update_one_file']['s'] for r in results], lambda v: f'{v:.2f}')
    for name in results[0]['commands']:
        vals = [r['commands'].get(name, {}).get('s') for r in results]
        add(f'`{name}` (s)', vals, lambda v: f'{v:.3f}' if v < 1 else f'{v:.2f}')
        rss = [r['commands'].get(name, {}).get('rss_mb') for r in results]
        if max(v or 0 for v in rss) >= 200:
            add(f'`{name}` peak RSS (MB)', rss, lambda v: f'{v:.0f}')
    for name in ('phrase (rare) --count', 'phrase (common) --count'):
        hits = [r['commands'][name].get('hits') for r in results]
        add(f'`{name}` hits', hits, lambda v: f'{v:,}')
    for kind in ('phrase', 'search', 'quote', 'theme'):
        if kind not in results[0]['bench']:
            continue
        med = [r['bench'].get(kind, {}).get('median_ms') for r in results]
        p99 = [r['bench'].get(kind, {}).get('p99_ms') for r in results]
        hits = [r['bench'].get(kind, {}).get('hits') for r in results]
        add(f'bench {kind} median (ms)', med, lambda v: f'{v:.2f}')
        add(f'bench {kind} p99 (ms)', p99, lambda v: f'{v:.1f}')
        add(f'bench {kind} hits', hits, lambda v: f'{v:,}')
    add('bench process peak RSS (MB)', [r['bench']['rss_mb'] for r in results], lambda v: f'{v:.0f}')
    return '\n'.join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sizes', default='38,250,1000', help='corpus sizes in MB, comma-separated')
    ap.add_argument('--out', default=None, help='work directory (default: a new one in /tmp)')
    ap.add_argument('--corpora', default=None, help='the corpora make-scale-corpus starts from')
    ap.add_argument('--count', type=int, default=200, help='queries drawn per kind for bench')
    ap.add_argument('--runs', type=int, default=2, help='timed passes of bench')
    ap.add_argument('--repeat', type=int, default=5, help='runs of each whole-process command')
    ap.add_argument('--rare', default='塞罕坝', help='the rare phrase counted')
    ap.add_argument('--common', default='发展', help='the common phrase counted')
    ap.add_argument('--no-shared', action='store_true', help='leave out `shared` (minutes at 1 GB)')
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'jiansuo'))
    args = ap.parse_args()
    if args.out is None:
        args.out = tempfile.mkdtemp(prefix='jiansuo-scale-')
    if os.path.abspath(args.out).startswith(ROOT + os.sep):
        sys.exit('scale: --out must lie outside the repository (the corpora are not ours to commit)')
    os.makedirs(args.out, exist_ok=True)
    sizes = [float(s) if '.' in s else int(s) for s in args.sizes.split(',')]
    results = [measure(args, s) for s in sizes]
    with open(os.path.join(args.out, 'scale.json'), 'w', encoding='utf-8') as fh:
        json.dump(results, fh, ensure_ascii=False, indent=1)
    print(table(results))
    print(f'scale: figures in {os.path.join(args.out, "scale.json")}', file=sys.stderr)


if __name__ == '__main__':
    main()
