#!/usr/bin/env bash
# RSA-2048 key generation, one process per run: the release `certprep csr` (new RSA 2048 key
# + request, written to a temporary directory) against `openssl genrsa 2048`. Prints every
# run's time, the medians, and certprep's median as a multiple of OpenSSL's. RSA key
# generation time varies a lot from run to run (it searches for random primes), so compare
# medians over many runs. Usage: scripts/bench-keygen.sh [RUNS]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
command -v openssl >/dev/null || { echo "bench-keygen: openssl is not installed" >&2; exit 2; }
cargo build --release --quiet
bin=$PWD/target/release/certprep
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Milliseconds (3 decimals) for one run of "$@".
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  awk -v d=$((end - start)) 'BEGIN { printf "%.3f\n", d / 1e6 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$tmp/certprep.ms"
: >"$tmp/openssl.ms"
for i in $(seq 1 "$runs"); do
  time_ms "$bin" csr --name mail.contoso.com --key-type rsa2048 -o "$tmp/r.req" --key-out "$tmp/r.key" --force >>"$tmp/certprep.ms"
  time_ms openssl genrsa -out "$tmp/o.key" 2048 >>"$tmp/openssl.ms"
done

echo "runs: $runs (alternating), $(openssl version), $(uname -m), $(nproc) CPU(s)"
echo "certprep csr --key-type rsa2048 (ms): $(tr '\n' ' ' <"$tmp/certprep.ms")"
echo "openssl genrsa 2048 (ms):             $(tr '\n' ' ' <"$tmp/openssl.ms")"
c=$(median <"$tmp/certprep.ms")
o=$(median <"$tmp/openssl.ms")
echo "median certprep: $c ms"
echo "median openssl:  $o ms"
awk -v c="$c" -v o="$o" 'BEGIN { printf "ratio certprep/openssl: %.2f\n", c / o }'
