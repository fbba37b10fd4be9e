//! Helpers shared by unit tests.

/// Damage `der` the way the parsers' property tests do: each edit `(at, kind, byte)` changes
/// (kind 0), removes (1), inserts (2) a byte at `at` (modulo the length), or cuts the bytes off
/// there (3 and above); an empty input stays empty.
pub(crate) fn damage(der: &mut Vec<u8>, edits: &[(usize, u8, u8)]) {
    for &(at, kind, byte) in edits {
        if der.is_empty() {
            break;
        }
        let i = at % der.len();
        match kind {
            0 => der[i] = byte,
            1 => {
                der.remove(i);
            }
            2 => der.insert(i, byte),
            _ => der.truncate(i),
        }
    }
}

/// Every certificate at hand, as DER: the embedded roots, the fixtures' PEM certificates, and
/// the x509-limbo suite's (hundreds of deliberately odd certificates) when
/// `../shared/realworld` is there.
pub(crate) fn certificates_at_hand() -> Vec<Vec<u8>> {
    let mut ders: Vec<Vec<u8>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|d| d.as_ref().to_vec())
        .collect();
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        here.join("fixtures"),
        here.join("../shared/realworld/x509-limbo/cases"),
    ];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let text = String::from_utf8_lossy(&bytes);
                for block in crate::input::pem::scan(&text) {
                    if block.label == "CERTIFICATE" {
                        ders.extend(block.der);
                    }
                }
            }
        }
    }
    ders
}
