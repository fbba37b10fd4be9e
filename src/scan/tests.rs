//! Tests of the scanner: the per-file path, the per-worker caches, re-entrancy.

use super::*;
use time::macros::datetime;

#[test]
fn days_left_rounds_down_and_goes_negative_after_expiry() {
    let t = datetime!(2027-01-10 12:00 UTC);
    assert_eq!(days_left(t, datetime!(2027-01-01 12:00 UTC)), 9);
    assert_eq!(days_left(t, datetime!(2027-01-01 12:00:01 UTC)), 8);
    assert_eq!(days_left(t, t), 0);
    assert_eq!(days_left(t, datetime!(2027-01-10 13:00 UTC)), -1);
}

/// A FIFO put where the walk saw a regular file is neither blocked on nor read; a file
/// whose size is 0 (as every /proc file reports) is not read; a size over the limit is
/// refused from the metadata. See: issue 16.
#[cfg(unix)]
#[test]
fn issue_16_read_capped_checks_the_open_file_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("swapped.pem");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut buf = Vec::new();
    if made {
        let r = read_capped(fifo.to_str().unwrap(), 1024, &mut buf);
        assert!(matches!(r, Ok(ReadOutcome::NotRegular)));
    }
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, b"").unwrap();
    let r = read_capped(empty.to_str().unwrap(), 1024, &mut buf);
    assert!(matches!(r, Ok(ReadOutcome::Empty)));
    let big = dir.path().join("big.pem");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    match read_capped(big.to_str().unwrap(), 1024, &mut buf) {
        Err(InputError::TooLarge { size, limit, .. }) => {
            assert_eq!((size, limit), (1 << 40, 1024));
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    assert!(buf.is_empty(), "nothing was read");
    let small = dir.path().join("small.pem");
    std::fs::write(&small, b"hello").unwrap();
    let r = read_capped(small.to_str().unwrap(), 1024, &mut buf);
    assert!(matches!(r, Ok(ReadOutcome::Read)));
    assert_eq!(buf, b"hello");
}

#[test]
fn summary_counts_read_skipped_and_failed_files() {
    let mut s = ScanSummary::default();
    for status in [
        FileStatus::Skipped(SkipReason::Empty),
        FileStatus::Skipped(SkipReason::Symlink),
        FileStatus::Failed,
    ] {
        s.add(&FileReport {
            path: "x".into(),
            status,
            rows: Vec::new(),
            faults: Vec::new(),
        });
    }
    assert_eq!((s.paths, s.files_read, s.skipped), (3, 1, 2));
    assert!(!s.nothing_read());
    assert!(ScanSummary::default().nothing_read());
}

/// A worker waiting for rayon jobs of one big file (detection, `map_chains`) runs other
/// files' jobs on its thread, as these rules do: the outer file's read buffer is not held
/// borrowed meanwhile ("RefCell already borrowed" before). See: issue 16.
#[test]
fn issue_16_process_file_is_reentrant_on_one_thread() {
    let dir = tempfile::tempdir().unwrap();
    let cert = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/deliverable/mail.contoso.com.crt"
    );
    let [outer, inner] = ["outer.pem", "inner.pem"].map(|name| {
        std::fs::copy(cert, dir.path().join(name)).unwrap();
        dir.path().join(name).to_string_lossy().into_owned()
    });
    let scanner = Scanner::new(ScanOptions::new(datetime!(2027-01-01 00:00 UTC))).unwrap();
    let nested = |_: &Detected| {
        let report = scanner.process_file(inner.clone(), &|_: &Detected| Vec::new());
        assert_eq!((report.status, report.rows.len()), (FileStatus::Read, 1));
        Vec::new()
    };
    let report = scanner.process_file(outer.clone(), &nested);
    assert_eq!(
        (report.path, report.status, report.rows.len()),
        (outer, FileStatus::Read, 1)
    );
}
