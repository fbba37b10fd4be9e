#!/usr/bin/env bash
# Building a compat PFX from leaf + CA bundle + key, one process per file:
# `certprep pfx` against `openssl pkcs12 -export` with the same algorithms (3DES key and
# certificates, SHA-1 MAC, 2000 iterations). Uses hyperfine (installed from Debian if missing).
# Usage: scripts/bench-pfx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; } >/dev/null
cargo build --release --quiet
bin=$PWD/target/release/certprep
d=fixtures/deliverable
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'bench-password\n' >"$work/pw.txt"
hyperfine -N --warmup 10 --runs 200 --export-markdown /tmp/certprep-pfx.md \
  "openssl pkcs12 -export -in $d/mail.contoso.com.crt -certfile $d/ca-bundle.crt -inkey $d/mail.contoso.com.key -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -iter 2000 -passout file:$work/pw.txt -out $work/openssl.pfx" \
  "$bin -q pfx $d/mail.contoso.com.crt $d/ca-bundle.crt $d/mail.contoso.com.key --password-file $work/pw.txt --force -o $work/certprep.pfx"
cat /tmp/certprep-pfx.md
