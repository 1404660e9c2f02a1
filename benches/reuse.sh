#!/usr/bin/env bash
# Text reuse timings: `reuse` of a 10,000-character text, `compare` of two government work
# reports, `shared`, `docs --duplicates`, each whole process, wall time and peak RSS (GNU time),
# RUNS times each, alternated.
#
#   benches/reuse.sh INDEX CORPORA [RUNS]
#
# INDEX: an index of CORPORA (e.g. `jiansuo index ../shared/corpora --index /tmp/big --meta …`);
# CORPORA: ../shared/corpora (read for the text: 5,000 characters of a 2019 report and 5,000
# of the 1954 one, in traditional characters, joined).
set -euo pipefail
INDEX=${1:?INDEX}
CORPORA=${2:?CORPORA}
RUNS=${3:-3}
BIN=${JIANSUO:-target/release/jiansuo}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$CORPORA" "$TMP/text10k.txt" <<'EOF'
import sys
root, out = sys.argv[1], sys.argv[2]
a = open(f"{root}/gov_reports/gwr_2019.txt", encoding="utf-8").read()
b = open(f"{root}/gov_reports/gwr_1954.txt", encoding="utf-8").read()
text = a[2000:7000] + "\n" + b[1000:6000]
open(out, "w", encoding="utf-8").write(text)
print(f"text: {len(text)} characters", file=sys.stderr)
EOF
measure() {
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$TMP/time" "$BIN" -q --index "$INDEX" "$@" >/dev/null || true
    read -r secs kb <"$TMP/time"
    printf '%s\t%s\t%s\n' "$name" "$secs" "$((kb / 1024))" >>"$TMP/rows"
}
for _ in $(seq "$RUNS"); do
    measure "reuse (10,000 characters)" reuse "$TMP/text10k.txt" --json
    measure "compare gwr_2018 gwr_2019" compare gov_reports/gwr_2018.txt gov_reports/gwr_2019.txt --json
    measure "shared" shared --json
    measure "docs --duplicates" docs --duplicates --json
done
printf '| command | wall s (runs) | peak RSS MB (max) |\n|---|---|---|\n'
python3 - "$TMP/rows" <<'EOF'
import sys, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1], encoding="utf-8"):
    name, secs, mb = line.rstrip("\n").split("\t")
    rows.setdefault(name, []).append((float(secs), int(mb)))
for name, v in rows.items():
    print(f"| {name} | {', '.join(f'{s:.2f}' for s, _ in v)} | {max(m for _, m in v)} |")
EOF
