#!/usr/bin/env python3
"""The Python anchor of docs/performance.md: the same work as `certprep scan --format jsonl`
with the `cryptography` package — walk the tree in sorted order, read every file, parse every
certificate (PEM bundles or DER), SHA-1 thumbprint, subject CN, notAfter, days left, the
expiry rules — and print one JSON line per certificate, in path order.

usage: scan_py.py DIR [--workers N] [--at RFC3339] [--min-days N]
"""
import argparse
import datetime as dt
import json
import os
import sys
from multiprocessing import Pool

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

AT = None
MIN_DAYS = 30


def init(at, min_days):
    global AT, MIN_DAYS
    AT, MIN_DAYS = at, min_days


def walk(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            yield os.path.join(dirpath, name)


def rows_for(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return [json.dumps({"type": "fault", "path": path, "message": str(e)})]
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            certs = [(f"PEM block {i + 1}", c)
                     for i, c in enumerate(x509.load_pem_x509_certificates(data))]
        elif data[:1] == b"\x30":
            certs = [(None, x509.load_der_x509_certificate(data))]
        else:
            return []
    except ValueError as e:
        return [json.dumps({"type": "fault", "path": path, "message": str(e)})]
    out = []
    for pos, c in certs:
        not_after = c.not_valid_after_utc
        seconds = (not_after - AT).total_seconds()
        days = int(seconds // 86400)
        findings = []
        if AT > not_after:
            findings.append({"rule": "cert-expired", "severity": "error",
                             "message": f"expired {not_after.date()} ({-days} days ago)"})
        elif AT < c.not_valid_before_utc:
            findings.append({"rule": "cert-not-yet-valid", "severity": "error",
                             "message": f"not valid before {c.not_valid_before_utc.date()}"})
        elif days < MIN_DAYS:
            findings.append({"rule": "cert-expires-soon", "severity": "warning",
                             "message": f"expires {not_after.date()} ({days} days left, fewer than {MIN_DAYS})"})
        cns = c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        out.append(json.dumps({
            "type": "certificate", "path": path, "position": pos,
            "thumbprint": c.fingerprint(hashes.SHA1()).hex().upper(),
            "subject_cn": cns[-1].value if cns else None,
            "not_after": not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "days_left": days, "findings": findings,
        }))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--at", default=None)
    ap.add_argument("--min-days", type=int, default=30)
    a = ap.parse_args()
    at = (dt.datetime.fromisoformat(a.at.replace("Z", "+00:00")) if a.at
          else dt.datetime.now(dt.timezone.utc))
    out = sys.stdout
    if a.workers <= 1:
        init(at, a.min_days)
        for p in walk(a.dir):
            for line in rows_for(p):
                out.write(line + "\n")
    else:
        with Pool(a.workers, initializer=init, initargs=(at, a.min_days)) as pool:
            for lines in pool.imap(rows_for, walk(a.dir), chunksize=256):
                for line in lines:
                    out.write(line + "\n")


if __name__ == "__main__":
    main()
