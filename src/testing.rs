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
