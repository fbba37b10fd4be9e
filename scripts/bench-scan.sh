#!/usr/bin/env bash
# Measure `certprep scan` against the anchors of docs/performance.md on a generated tree.
#
#   scripts/bench-scan.sh            # 100,000 files, every leaf distinct, 3 runs each
#   FILES=20000 RUNS=1 scripts/bench-scan.sh
#   DISTINCT=50 scripts/bench-scan.sh  # the same files cycling through 50 leaf+intermediate pairs
#
# Environment: CORPUS (tree location), FILES (default 100000), DISTINCT (distinct leaves, default
# FILES), RUNS (3 rounds of the fast commands), SLOW_RUNS (1: rounds that also run Python and
# OpenSSL), VERIFY (1: also time `scan --verify-signatures` once), SAMPLE (2000 files for the
# once-per-file openssl anchor, extrapolated), AT (the --at instant, fixed for reproducibility).
# Needs: cargo, python3 with `cryptography` (installed with pip if missing), openssl, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-100000}
DISTINCT=${DISTINCT:-$FILES}
RUNS=${RUNS:-3}
SLOW_RUNS=${SLOW_RUNS:-1}
VERIFY=${VERIFY:-0}
SAMPLE=${SAMPLE:-2000}
AT=${AT:-2027-01-01T00:00:00Z}
CORPUS=${CORPUS:-/tmp/certprep-scan-corpus-$FILES-$DISTINCT}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time) is needed for peak RSS" >&2; exit 2; }

echo "== building (release)" >&2
cargo build --release --quiet --bin certprep --example walk_read --example gen_scan_corpus
BIN=target/release/certprep
EX=target/release/examples

if [ ! -f "$CORPUS/.complete" ]; then
  echo "== generating $FILES files in $CORPUS" >&2
  rm -rf "$CORPUS"
  "$EX/gen_scan_corpus" "$CORPUS" "$FILES" "$DISTINCT"
  touch "$CORPUS/.complete"
fi
python3 -c 'import cryptography' 2>/dev/null || pip install --quiet cryptography

echo "== tree: $(find "$CORPUS" -type f -name 'cert-*' | wc -l) files, $(du -sm "$CORPUS" | cut -f1) MB on disk; cores: $(nproc)" >&2
echo "== warming the page cache" >&2
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null

# once NAME COMMAND: time COMMAND once, append "NAME seconds max_rss_kb" to $RAW.
RAW=/tmp/certprep-bench-raw.$$
: > "$RAW"
once() {
  local name=$1; shift
  # This VM's page cache drops pages of the tree now and then (a build elsewhere, the host):
  # read it all again right before every timed command, so each one starts warm.
  find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null
  # certprep exits 1 when it has findings (the corpus has expired certificates): not a failure.
  "$TIME" -f '%e %M' -o /tmp/certprep-bench-time.$$ bash -c "$*" > /dev/null 2>&1 || true
  echo "$name $(tail -n 1 /tmp/certprep-bench-time.$$)" | tee -a "$RAW" >&2
}

# The commands are interleaved round by round, so a slow phase of a shared machine hits every
# command alike instead of whichever happened to run then; each figure is the median of its runs.
find "$CORPUS" -type f -name 'cert-*' | sort > /tmp/certprep-bench-all.$$
head -n "$SAMPLE" /tmp/certprep-bench-all.$$ > /tmp/certprep-bench-sample.$$
for ((round = 0; round < RUNS; round++)); do
  once xargs_cat "find '$CORPUS' -type f -print0 | xargs -0 cat > /dev/null"
  once walk_read "'$EX/walk_read' '$CORPUS'"
  once certprep_jsonl "'$BIN' --at $AT scan '$CORPUS' --format jsonl > /dev/null"
  once certprep_jsonl_j1 "'$BIN' --at $AT scan '$CORPUS' --format jsonl --jobs 1 > /dev/null"
  if (( round < SLOW_RUNS )); then
    once python_2_workers "python3 scripts/scan_py.py '$CORPUS' --workers 2 --at $AT > /dev/null"
    once python_1_worker "python3 scripts/scan_py.py '$CORPUS' --workers 1 --at $AT > /dev/null"
    once openssl_sample "while IFS= read -r f; do openssl x509 -noout -fingerprint -sha1 -subject -enddate -in \"\$f\"; done < /tmp/certprep-bench-sample.$$"
  fi
  if (( round == 0 && VERIFY )); then
    once certprep_verify "'$BIN' --at $AT scan '$CORPUS' --format jsonl --verify-signatures > /dev/null"
  fi
done

RESULTS=/tmp/certprep-bench-results.$$
{
  # NAME median_seconds max_rss_kb run1 run2 ...
  awk '{ t[$1] = t[$1] " " $2; if ($3 > m[$1]) m[$1] = $3 }
       END { for (k in t) print k, m[k], t[k] }' "$RAW" |
    while read -r name rss runs; do
      median=$(printf '%s\n' $runs | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      echo "$name $median $rss $runs"
    done
} | tee "$RESULTS" >&2

rows=$({ "$BIN" --at "$AT" -q scan "$CORPUS" --format jsonl || true; } | grep -c '"type":"certificate"')
echo "== certprep printed $rows certificate rows" >&2

awk -v files="$FILES" -v sample="$SAMPLE" '
  { t[$1] = $2; m[$1] = $3 }
  END {
    c = t["certprep_jsonl"]; has_openssl = ("openssl_sample" in t)
    if (has_openssl) o = t["openssl_sample"] * files / sample
    printf "\n| command | median s | peak RSS MiB |\n|---|---:|---:|\n"
    n = split("xargs_cat walk_read certprep_jsonl certprep_jsonl_j1 certprep_verify python_2_workers python_1_worker", k, " ")
    for (i = 1; i <= n; i++) if (k[i] in t) printf "| %s | %.2f | %.1f |\n", k[i], t[k[i]], m[k[i]] / 1024
    if (has_openssl) printf "| openssl per file (%d-file sample → %d files) | %.0f (sample %.2f) | %.1f |\n", sample, files, o, t["openssl_sample"], m["openssl_sample"] / 1024
    printf "\nratios of the medians (goal in brackets):\n"
    printf "  certprep / xargs cat      = %.2f  [<= 1]\n", c / t["xargs_cat"]
    printf "  certprep / walk-and-read  = %.2f  [<= 2.5]\n", c / t["walk_read"]
    if ("python_2_workers" in t) printf "  python 2 workers / certprep = %.1fx [>= 6]\n", t["python_2_workers"] / c
    if (has_openssl) printf "  openssl per file / certprep = %.0fx [>= 1000]\n", o / c
    printf "  certprep peak RSS = %.1f MiB [< 50]\n", m["certprep_jsonl"] / 1024
  }' "$RESULTS"
# The same ratios taken within each round (both commands ran minutes apart at most, in the same
# state of the machine), then the median over the rounds: steadier when the machine drifts.
python3 - "$RAW" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, secs, _ = line.split()
    runs.setdefault(name, []).append(float(secs))
c = runs.get("certprep_jsonl", [])
print("\nratios within each round, median over the rounds:")
for anchor, goal in (("xargs_cat", "<= 1"), ("walk_read", "<= 2.5")):
    per = [x / a for x, a in zip(c, runs.get(anchor, []))]
    if per:
        print(f"  certprep / {anchor:<9} = {statistics.median(per):.2f}  [{goal}]  rounds: "
              + ", ".join(f"{r:.2f}" for r in per))
PY
rm -f "$RESULTS" "$RAW" /tmp/certprep-bench-time.$$ /tmp/certprep-bench-sample.$$ /tmp/certprep-bench-all.$$
