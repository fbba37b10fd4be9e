//! The PKCS#12 key derivation function (RFC 7292 Appendix B.2) and how passwords become its
//! input.
//!
//! Written here rather than taken from the `pkcs12` crate: its KDF (0.2.0-pre) is built on the
//! `digest` 0.11 / `der` 0.8 release candidates, while certprep uses the stable `digest` 0.10
//! line (sha1 0.10, sha2 0.10, hmac 0.12); pulling in a second hash stack for forty lines is
//! not worth it. Iteration counts are checked against the caller's cap before this is called.

use sha1::digest::core_api::BlockSizeUser;
use sha1::Digest;
use zeroize::Zeroizing;

/// What the derived bytes are for (RFC 7292 §B.3, the "ID" byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Encryption key (ID 1).
    Key = 1,
    /// Initialisation vector (ID 2).
    Iv = 2,
    /// MAC key (ID 3).
    Mac = 3,
}

/// A password as PKCS#12 sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Password<'a> {
    /// No password at all: the KDF runs over empty data. Windows' "no password" export and
    /// OpenSSL's `-passout pass:` with a NULL pointer write this.
    Null,
    /// A text password, possibly empty (then the KDF sees just the 00 00 terminator).
    Text(&'a str),
}

impl Password<'_> {
    /// The PKCS#12 KDF input: BMPString (UTF-16BE) with a 00 00 terminator (RFC 7292 §B.1);
    /// nothing at all for the null password. Characters outside the BMP become surrogate
    /// pairs, as OpenSSL's `OPENSSL_utf82uni` writes them.
    pub(crate) fn bmp(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::new());
        if let Password::Text(s) = self {
            out.reserve(s.len() * 2 + 2);
            for unit in s.encode_utf16() {
                out.extend_from_slice(&unit.to_be_bytes());
            }
            out.extend_from_slice(&[0, 0]);
        }
        out
    }

    /// The PBKDF2 input for PBES2 bags and PBMAC1: the UTF-8 bytes, as OpenSSL and Windows
    /// use them (they agree for ASCII; other readers differ for non-ASCII).
    pub(crate) fn utf8(&self) -> &[u8] {
        match self {
            Password::Null => b"",
            Password::Text(s) => s.as_bytes(),
        }
    }
}

/// Derive `len` bytes for `purpose` from the BMP-encoded `password` and `salt` with
/// `iterations` rounds of hash `D` (RFC 7292 §B.2). `iterations` of 0 is treated as 1, as
/// OpenSSL does.
pub(crate) fn derive<D: Digest + BlockSizeUser>(
    password_bmp: &[u8],
    salt: &[u8],
    purpose: Purpose,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let u = <D as Digest>::output_size();
    let v = D::block_size();
    // Steps 1–4: D = ID repeated; I = S || P, each repeated to a multiple of v bytes.
    let fill = |src: &[u8]| -> Vec<u8> {
        if src.is_empty() {
            return Vec::new();
        }
        let n = v * src.len().div_ceil(v);
        src.iter().copied().cycle().take(n).collect()
    };
    let d_block = vec![purpose as u8; v];
    let mut i_buf = Zeroizing::new(fill(salt));
    i_buf.extend_from_slice(&Zeroizing::new(fill(password_bmp)));
    let mut out = Zeroizing::new(Vec::with_capacity(len + u));
    loop {
        // Step 6a: A = H^r(D || I).
        let mut h = D::new();
        h.update(&d_block);
        h.update(&*i_buf);
        let mut a = h.finalize();
        for _ in 1..iterations.max(1) {
            a = D::digest(&a);
        }
        out.extend_from_slice(&a);
        if out.len() >= len {
            out.truncate(len);
            return out;
        }
        // Step 6b–c: B = A repeated to v bytes; each v-byte block of I becomes I_j + B + 1.
        let b: Vec<u8> = a.iter().copied().cycle().take(v).collect();
        for block in i_buf.chunks_mut(v) {
            let mut carry = 1u16;
            for k in (0..v).rev() {
                let sum = u16::from(block[k]) + u16::from(b[k]) + carry;
                block[k] = sum as u8;
                carry = sum >> 8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test vectors from the RustCrypto `pkcs12` crate's tests/kdf.rs, which were checked
    // against OpenSSL's PKCS12_key_gen_utf8.
    #[test]
    fn kdf_matches_openssl_vectors() {
        let pw = Password::Text("ge@äheim").bmp();
        let salt = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let k = derive::<sha2::Sha256>(&pw, &salt, Purpose::Key, 100, 32);
        assert_eq!(
            hex::encode(&*k),
            "fae4d4957a3cc781e1180b9d4fb79c1e0c8579b746a3177e5b0768a3118bf863"
        );
        let iv = derive::<sha2::Sha256>(&pw, &salt, Purpose::Iv, 100, 32);
        assert_eq!(
            hex::encode(&*iv),
            "e5ff813bc6547de5155b14d2fada85b3201a977349db6e26ccc998d9e8f83d6c"
        );
        let mac = derive::<sha2::Sha256>(&pw, &salt, Purpose::Mac, 100, 32);
        assert_eq!(
            hex::encode(&*mac),
            "136355ed9434516682534f46d63956db5ff06b844702c2c1f3b46321e2524a4d"
        );
        // Several output blocks: exercises the I_j + B + 1 update (step 6c).
        let long = derive::<sha2::Sha256>(&pw, &salt, Purpose::Key, 1000, 100);
        assert_eq!(
            hex::encode(&*long),
            "2b95a0569b63f641fae1efca32e84db3699ab74540628ba66283b58cf5400527d8d0ebe2ccbf768c51c4d8fbd1bb156be06c1c59cbb69e44052ffc37376fdb47b2de7f9e543de9d096d8e5474b220410ff1c5d8bb7e5bc0f61baeaa12fd0da1d7a970172"
        );
        // A 128-byte block size.
        let k512 = derive::<sha2::Sha512>(&pw, &salt, Purpose::Key, 100, 32);
        assert_eq!(
            hex::encode(&*k512),
            "b14a9f01bfd9dce4c9d66d2fe9937e5fd9f1afa59e370a6fa4fc81c1cc8ec8ee"
        );
    }

    #[test]
    fn null_and_empty_passwords_differ() {
        assert!(Password::Null.bmp().is_empty());
        assert_eq!(&*Password::Text("").bmp(), &[0, 0]);
        assert_eq!(&*Password::Text("a").bmp(), &[0, 0x61, 0, 0]);
    }
}
