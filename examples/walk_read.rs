//! The "bare walk-and-read" anchor of docs/performance.md: walk a tree in sorted order and
//! read every file, in one thread, doing nothing with the bytes. `walk_read DIR`.

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: walk_read DIR")?;
    let (mut files, mut bytes) = (0u64, 0u64);
    let mut buf = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() {
            buf.clear();
            std::fs::File::open(entry.path())?.read_to_end(&mut buf)?;
            files += 1;
            bytes += buf.len() as u64;
        }
    }
    println!("{files} files, {bytes} bytes");
    Ok(())
}
