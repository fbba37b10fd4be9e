//! Generate the scan benchmark tree (see docs/performance.md):
//! `cargo run --release --example gen_scan_corpus -- DIR [FILES=100000] [PAIRS=50]`.
//! Makes PAIRS distinct leaf+intermediate PEM pairs once, then writes FILES files across
//! nested folders (1,000 per top folder, 100 per subfolder), cycling through the pairs.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: gen_scan_corpus DIR [FILES] [PAIRS]")?,
    );
    let files: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let pairs: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(50);
    if dir.exists() && std::fs::read_dir(&dir)?.next().is_some() {
        return Err(format!("{} exists and is not empty; remove it first", dir.display()).into());
    }
    let t = Instant::now();
    let pool = corpus::pairs(pairs);
    let made = t.elapsed();
    let bytes = corpus::write_tree(&dir, files, &pool)?;
    eprintln!(
        "{} pairs in {:.1?}, {} files ({:.1} MB, {} certificates) in {:.1?} total",
        pool.len(),
        made,
        files,
        bytes as f64 / 1e6,
        files * 2,
        t.elapsed()
    );
    Ok(())
}
