#!/usr/bin/env bash
# One certificate file, one process: `certprep thumbprint` / `certprep inspect` against
# `openssl x509 -noout -fingerprint -sha1`. Uses hyperfine (installed from Debian if missing).
# Usage: scripts/bench-single-file.sh [FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-fixtures/deliverable/mail.contoso.com.crt}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; } >/dev/null
cargo build --release --quiet
bin=target/release/certprep
hyperfine -N --warmup 20 --runs 300 --export-markdown /tmp/certprep-single-file.md \
  "openssl x509 -noout -fingerprint -sha1 -in $file" \
  "$bin thumbprint $file" \
  "$bin inspect $file" \
  "$bin inspect --json $file"
cat /tmp/certprep-single-file.md
