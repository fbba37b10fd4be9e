//! Generate the scan benchmark tree (see docs/performance.md):
//! `cargo run --release --example gen_scan_corpus -- DIR [FILES=100000] [DISTINCT=FILES]`.
//! Writes FILES files across nested folders (1,000 per top folder, 100 per subfolder), each a
//! leaf plus its intermediate in PEM. By default every leaf is distinct (intermediates are shared
//! among five issuing CAs, as in real trees); DISTINCT < FILES cycles through that many pairs.
//!
//! `gen_scan_corpus --one-file OUT.pem [LEAVES=10000] [TREE]` writes instead one PEM file
//! holding an issuing CA and then LEAVES leaves it issued (issue 16), and, when TREE is given,
//! the same leaves as LEAVES files of one leaf and the CA each.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--one-file") {
        args.next();
        let out = PathBuf::from(
            args.next()
                .ok_or("usage: gen_scan_corpus --one-file OUT.pem [LEAVES] [TREE]")?,
        );
        let leaves: usize = args
            .next()
            .map(|s| s.parse())
            .transpose()?
            .unwrap_or(10_000);
        let tree = args.next().map(PathBuf::from);
        if out.exists() {
            return Err(format!("{} exists; remove it first", out.display()).into());
        }
        let t = Instant::now();
        let bytes = corpus::write_bundle(&out, tree.as_deref(), leaves)?;
        eprintln!(
            "{} ({:.1} MB, {} certificates) in {:.1?}",
            out.display(),
            bytes as f64 / 1e6,
            leaves + 1,
            t.elapsed()
        );
        return Ok(());
    }
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
