//! A tolerant PEM scanner: any number of blocks, any text before, between and after them
//! (`openssl x509 -text` dumps, "Bag Attributes" lines), LF or CRLF, stray whitespace inside the
//! base64, RFC 1421 headers (`Proc-Type`/`DEK-Info`), and truncated blocks.
//!
//! Written by hand because the crates that parse PEM (`pem-rfc7468` under `der`, `rustls-pemfile`)
//! are strict by design (RFC 7468 §3) and reject exactly the files administrators have. It
//! only finds and decodes blocks; what a block holds is decided by `input::detect`.

use memchr::memmem::Finder;
use std::sync::LazyLock;

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";

/// One PEM block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The label between `BEGIN ` and the dashes, trimmed (`CERTIFICATE`).
    pub label: String,
    /// RFC 1421 headers (`Proc-Type`, `DEK-Info`) as name/value pairs, in order.
    pub headers: Vec<(String, String)>,
    /// The decoded body, or `None` when it is not valid base64.
    pub der: Option<Vec<u8>>,
    /// Whether an END line closed the block (false: the file is truncated here).
    pub terminated: bool,
}

/// Every block in `text`, in order. Text that is not inside a block is ignored.
pub fn scan(text: &str) -> Vec<Block> {
    scan_at_most(text, usize::MAX)
}

/// Longest BEGIN line label looked at (real labels are under 40 characters).
const MAX_LABEL: usize = 128;

/// The first `limit` blocks of `text`. Linear in the length of `text`, whatever it holds.
pub(crate) fn scan_at_most(text: &str, limit: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    if limit == 0 {
        return blocks;
    }
    for_each_block(text, |raw| {
        let (headers, der) = decode_body(raw.body);
        blocks.push(Block {
            label: raw.label.to_owned(),
            headers,
            der,
            terminated: raw.terminated,
        });
        blocks.len() < limit
    });
    blocks
}

/// A block as found, before its body is decoded.
pub(crate) struct RawBlock<'t> {
    /// [`Block::label`].
    pub(crate) label: &'t str,
    /// The text between the BEGIN line's dashes and the END marker (or the next BEGIN, or
    /// the end of the text, when unterminated).
    pub(crate) body: &'t str,
    /// [`Block::terminated`].
    pub(crate) terminated: bool,
}

/// Call `f` with every block of `text` in order until it returns false: what
/// [`scan_at_most`] collects, for callers that handle each block as it is found (detection
/// does, without a `Block` with an owned label for each). Linear in the length of `text`.
pub(crate) fn for_each_block<'t>(text: &'t str, mut f: impl FnMut(RawBlock<'t>) -> bool) {
    let mut pos = 0usize;
    // The next BEGIN at or after `pos`, when already known: looking for a block's END stops at
    // the next BEGIN, which is then where the next block starts.
    let mut known_begin: Option<Option<usize>> = None;
    loop {
        let found = match known_begin.take() {
            Some(found) => found,
            None => text.get(pos..).and_then(find_begin).map(|b| pos + b),
        };
        let Some(found) = found else {
            break;
        };
        let label_start = found + BEGIN.len();
        let rest = &text[label_start..];
        let mut window = rest.len().min(MAX_LABEL);
        while !rest.is_char_boundary(window) {
            window -= 1;
        }
        let line = rest[..window].split('\n').next().unwrap_or("");
        let Some(label_len) = DASHES_FINDER.find(line.as_bytes()) else {
            pos = label_start; // "-----BEGIN " without closing dashes: not a block
            continue;
        };
        let label = rest[..label_len].trim();
        let body_start = label_start + label_len + DASHES.len();
        let after = &text[body_start..];
        // The END is looked for only up to the next BEGIN, so a file of many unterminated
        // blocks is still scanned in linear time.
        let next_begin = find_begin(after);
        let end = find_end(&after[..next_begin.unwrap_or(after.len())]);
        let (body, terminated, next) = match (end, next_begin) {
            // Continue right after "-----END ": `cat` of files without a final newline
            // gives "-----END CERTIFICATE----------BEGIN CERTIFICATE-----".
            (Some(e), _) => (&after[..e], true, body_start + e + END.len()),
            (None, Some(b)) => (&after[..b], false, body_start + b),
            (None, None) => (after, false, text.len()),
        };
        // `next_begin` is the first BEGIN after `body_start`, and `next` is not past it (the
        // END was looked for before it): it is also the first BEGIN at or after `next`.
        known_begin = Some(next_begin.map(|b| body_start + b));
        pos = next;
        let more = f(RawBlock {
            label,
            body,
            terminated,
        });
        if !more {
            break;
        }
    }
}

thread_local! {
    /// [`decode_base64`]'s copy of the text without white space, reused by each thread.
    static B64: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Zero the copy [`decode_base64`] last made on this thread (after a key's block).
pub(crate) fn scrub_scratch() {
    use zeroize::Zeroize;
    B64.with(|b64| b64.borrow_mut().zeroize());
}

/// The headers and decoded bytes of a block's body. One path for every body: JSON escapes
/// undone when there are any, RFC 1421 headers split off when the first line is one, then the
/// rest decoded by [`decode_base64`].
pub(crate) fn decode_body(body: &str) -> (Vec<(String, String)>, Option<Vec<u8>>) {
    // PEM copied out of JSON (ACME clients, vault exports) keeps its escapes: `\n`, `\r`, `\/`.
    let unescaped;
    let body = if memchr::memchr(b'\\', body.as_bytes()).is_some() {
        unescaped = body
            .replace("\\r", "")
            .replace("\\n", "\n")
            .replace("\\/", "/");
        unescaped.as_str()
    } else {
        body
    };
    let (headers, base64) = split_headers(body);
    (headers, decode_base64(base64))
}

/// Base64 as certprep finds it (in PEM bodies, or bare): white space anywhere (line breaks,
/// CRs, stray spaces) is dropped, then the text is decoded the forgiving way ([`unpadded`]).
/// `None` when it is not base64.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    // White space is dropped here rather than by base64-simd: its forgiving decoder copies
    // byte by byte once it meets a line break, and knows only ASCII white space.
    B64.with(|b64| {
        let mut b64 = b64.borrow_mut();
        b64.clear();
        push_without_whitespace(text, &mut b64);
        let decoded = unpadded(&b64);
        if b64.capacity() > 1 << 20 {
            // Do not keep a rare huge block's buffer alive; it may hold a key's base64.
            use zeroize::Zeroize;
            b64.zeroize();
            *b64 = Vec::new();
        }
        decoded
    })
}

/// Decode `text` (white space already dropped) as base64 is found in the wild: padding
/// optional — the `=` at the end may be fewer than the canonical count, never more — and
/// trailing bits tolerated. The padding is cut off, the rest decoded by base64-simd's WHATWG
/// forgiving-base64 decoder. The same verdicts as the `base64` crate's lenient engine (a test
/// checks it).
fn unpadded(text: &[u8]) -> Option<Vec<u8>> {
    let pads = text.iter().rev().take_while(|&&b| b == b'=').count();
    if pads > 2 {
        return None;
    }
    let out = base64_simd::forgiving_decode_to_vec(&text[..text.len() - pads]).ok()?;
    // Unpadded base64 of n bytes has n * 4 / 3 characters, rounded up; the canonical padding
    // makes it a multiple of 4.
    let canonical = [0, 2, 1][out.len() % 3];
    (pads <= canonical).then_some(out)
}

/// Append `text` to `out` without its white space (what `char::is_whitespace` says is).
fn push_without_whitespace(text: &str, out: &mut Vec<u8>) {
    out.reserve(text.len());
    let mut start = 0;
    while start < text.len() {
        // Lines found with memchr: `str::split` walks a char searcher over every byte.
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
        // Split at ASCII bytes, so `line` is whole characters.
        let line = &text[start..end];
        start = end + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Nearly every line is printable ASCII and nothing else: copied whole. (A fold without
        // early exit, so the compiler vectorises it.)
        if line.bytes().fold(true, |ok, b| ok & b.is_ascii_graphic()) {
            out.extend_from_slice(line.as_bytes());
        } else {
            for c in line.chars().filter(|c| !c.is_whitespace()) {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
    }
}

/// Searchers for the two markers (memchr's SIMD search: the scanner's hottest loop), built once:
/// `memmem::find` builds one per call, which cost more than the search itself on
/// certificate-sized files.
static BEGIN_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(BEGIN));
static END_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(END));
/// The dashes closing a BEGIN line (`str::find` built a searcher for every block).
static DASHES_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(DASHES));

/// The first BEGIN marker in `haystack`.
fn find_begin(haystack: &str) -> Option<usize> {
    BEGIN_FINDER.find(haystack.as_bytes())
}

/// The first END marker in `haystack`.
fn find_end(haystack: &str) -> Option<usize> {
    END_FINDER.find(haystack.as_bytes())
}

/// Split RFC 1421 headers (`Name: value` lines before a blank line) from the base64 text that
/// follows them. Headers are looked for only when the first non-blank line has a colon; a line
/// without one ends them and is dropped with them.
fn split_headers(body: &str) -> (Vec<(String, String)>, &str) {
    /// The first line of `text` (without its line break) and the text after it; `None` at the
    /// end of the text.
    fn take_line(text: &str) -> Option<(&str, &str)> {
        (!text.is_empty()).then(|| text.split_once('\n').unwrap_or((text, "")))
    }
    let mut headers = Vec::new();
    let mut rest = body;
    while let Some((line, after)) = take_line(rest) {
        if !line.trim().is_empty() {
            break;
        }
        rest = after;
    }
    if take_line(rest).is_some_and(|(line, _)| line.contains(':')) {
        while let Some((line, after)) = take_line(rest) {
            if line.trim().is_empty() {
                break;
            }
            rest = after;
            match line.split_once(':') {
                Some((k, v)) => headers.push((k.trim().to_owned(), v.trim().to_owned())),
                None => break,
            }
        }
    }
    (headers, rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine;

    /// The oracle: the `base64` crate's engine configured as lenient as certprep means to be
    /// (padding optional, trailing bits tolerated).
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );

    #[test]
    fn scan_finds_blocks_among_text_with_crlf_and_stray_spaces() {
        let text = "Bag Attributes\r\n    friendlyName: x\r\n-----BEGIN CERTIFICATE-----\r\nAQ ID\r\n  BA==\r\n-----END CERTIFICATE-----\r\ntrailer\n-----BEGIN PRIVATE KEY-----\nBQY=\n-----END PRIVATE KEY-----\n";
        let b = scan(text);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].label, "CERTIFICATE");
        assert_eq!(b[0].der.as_deref(), Some(&[1u8, 2, 3, 4][..]));
        assert!(b[0].terminated);
        assert_eq!(b[1].label, "PRIVATE KEY");
        assert_eq!(b[1].der.as_deref(), Some(&[5u8, 6][..]));
    }

    #[test]
    fn scan_reports_truncated_and_bad_blocks() {
        let text = "-----BEGIN CERTIFICATE-----\nAQID\n-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n-----BEGIN X";
        let b = scan(text);
        assert_eq!(b.len(), 2);
        assert!(!b[0].terminated);
        assert_eq!(b[0].der.as_deref(), Some(&[1u8, 2, 3][..]));
        assert!(b[1].terminated);
        assert_eq!(b[1].der, None);
    }

    #[test]
    fn scan_splits_blocks_joined_without_a_newline() {
        let text = "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE----------BEGIN CERTIFICATE-----\nBAU=\n-----END CERTIFICATE-----";
        let b = scan(text);
        assert_eq!(b.len(), 2);
        assert_eq!(b[1].der.as_deref(), Some(&[4u8, 5][..]));
        assert!(b.iter().all(|b| b.terminated));
    }

    #[test]
    fn scan_reads_pem_with_json_escapes() {
        let text =
            r#"{"cert":"-----BEGIN CERTIFICATE-----\nAQ\/D\r\nBA==\n-----END CERTIFICATE-----\n"}"#;
        let b = scan(text);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].der.as_deref(), Some(&[1u8, 15, 195, 4][..]));
    }

    #[test]
    fn scan_at_most_stops_at_the_limit() {
        let one = "-----BEGIN A-----\nAQID\n-----END A-----\n";
        assert_eq!(scan_at_most(&one.repeat(10), 3).len(), 3);
    }

    #[test]
    fn scan_reads_rfc1421_headers() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00FF\n\nAQID\n-----END RSA PRIVATE KEY-----\n";
        let b = scan(text);
        assert_eq!(b[0].headers.len(), 2);
        assert_eq!(
            b[0].headers[1],
            ("DEK-Info".into(), "AES-256-CBC,00FF".into())
        );
        assert_eq!(b[0].der.as_deref(), Some(&[1u8, 2, 3][..]));
    }

    #[test]
    fn unpadded_and_trailing_bit_bodies_still_decode() {
        // Not canonical base64, as some tools write it: read all the same.
        for (body, want) in [
            ("AQID\nBA", &[1u8, 2, 3, 4][..]),
            ("AQID\nBB==", &[1, 2, 3, 4]),
        ] {
            let text = format!("-----BEGIN A-----\n{body}\n-----END A-----\n");
            assert_eq!(scan(&text)[0].der.as_deref(), Some(want), "{body}");
        }
    }

    #[test]
    fn padding_is_optional_but_never_more_than_canonical() {
        // Found by the property test below while moving to base64-simd: each must get the
        // lenient engine's verdict.
        for body in [
            "\r\rAaAa+A",
            "/0aaAA=",
            "aa====",
            "00a+0aA/++A==",
            "AA=",
            "AAAA=",
            "==",
            "",
        ] {
            let joined: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(
                decode_body(body).1,
                LENIENT.decode(&joined).ok(),
                "{body:?}"
            );
        }
    }

    proptest::proptest! {
        /// The block decoder gives exactly what the lenient decoder gives on the text without its
        /// white space (and
        /// refuses exactly what it refuses),
        /// for any body of base64 characters, line breaks and
        /// padding, valid or not.
        #[test]
        fn decode_body_agrees_with_the_lenient_decoder(body in "[A-Za-z0-9+/=\r\n \t\x0b\u{a0}\u{2028}]{0,200}") {
            let joined: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            let (_, der) = decode_body(&body);
            proptest::prop_assert_eq!(der, LENIENT.decode(&joined).ok());
        }

        /// Any bytes, encoded with line breaks every 64 characters (or 63, 65, 76), LF or CRLF, after the BEGIN line's
        /// break or not, come back unchanged.
        #[test]
        fn decode_body_round_trips(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
            width in proptest::sample::select(vec![64usize, 64, 63, 65, 76]),
            crlf: bool,
            lead: bool,
            trail: bool,
        ) {
            let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let lines: Vec<&str> = b64.as_bytes().chunks(width).map(|c| std::str::from_utf8(c).unwrap()).collect();
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut body = lines.join(nl);
            if lead {
                body.insert_str(0, nl);
            }
            if trail {
                body.push_str(nl);
            }
            let (_, der) = decode_body(&body);
            proptest::prop_assert_eq!(der, Some(bytes));
        }

        /// The scanner finds the same blocks (label, body, terminated) as a plain reading of
        /// its rules that searches every marker afresh, in text made of marker fragments: the
        /// next BEGIN it remembers from looking for an END is the one a new search finds.
        #[test]
        fn blocks_are_those_a_fresh_search_finds(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "-----BEGIN ", "-----END ", "-----", "CERT", " A", "\n", "\r\n", "QUJD", "é", "-",
            ]), 0..40)
        ) {
            let text: String = parts.concat();
            let mut ours = Vec::new();
            for_each_block(&text, |b| {
                ours.push((b.label.to_owned(), b.body.to_owned(), b.terminated));
                true
            });
            proptest::prop_assert_eq!(ours, fresh_search(&text));
        }
    }

    /// The scanner's rules, every marker searched from scratch.
    fn fresh_search(text: &str) -> Vec<(String, String, bool)> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(found) = text[pos..].find(BEGIN) {
            let label_start = pos + found + BEGIN.len();
            let rest = &text[label_start..];
            let line: String = rest.chars().take_while(|&c| c != '\n').collect();
            let line = &line[..line.floor_char_boundary(MAX_LABEL)];
            let Some(label_len) = line.find(DASHES) else {
                pos = label_start;
                continue;
            };
            let body_start = label_start + label_len + DASHES.len();
            let after = &text[body_start..];
            let next_begin = after.find(BEGIN);
            let end = after[..next_begin.unwrap_or(after.len())].find(END);
            let (body, terminated, next) = match (end, next_begin) {
                (Some(e), _) => (&after[..e], true, body_start + e + END.len()),
                (None, Some(b)) => (&after[..b], false, body_start + b),
                (None, None) => (after, false, text.len()),
            };
            out.push((
                rest[..label_len].trim().to_owned(),
                body.to_owned(),
                terminated,
            ));
            pos = next;
        }
        out
    }
}
