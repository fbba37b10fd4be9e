//! Generate the scan benchmark tree (see docs/performance.md):
//! `cargo run --release --example gen_scan_corpus -- DIR [FILES=100000] [DISTINCT=FILES]`.
//! Writes FILES files across nested folders (1,000 per top folder, 100 per subfolder), each a
//! leaf plus its intermediate in PEM. By default every leaf is distinct (intermediates are shared
//! among five issuing CAs, as in real trees); DISTINCT < FILES cycles through that many pairs.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: gen_scan_corpus DIR [FILES] [DISTINCT]")?,
    );
    let files: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let distinct: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(files)
        .clamp(1, files.max(1));
    if dir.exists() && std::fs::read_dir(&dir)?.next().is_some() {
        return Err(format!("{} exists and is not empty; remove it first", dir.display()).into());
    }
    let t = Instant::now();
    let bytes = if distinct >= files {
        let corpus = corpus::Corpus::new(files);
        corpus::write_tree_with(&dir, files, |k| corpus.pair(k))?
    } else {
        let pool = corpus::pairs(distinct);
        corpus::write_tree(&dir, files, &pool)?
    };
    eprintln!(
        "{files} files ({distinct} distinct leaves, {:.1} MB, {} certificates) in {:.1?}",
        bytes as f64 / 1e6,
        files * 2,
        t.elapsed()
    );
    Ok(())
}
