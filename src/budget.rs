//! Work budgets against hostile input (issue 16): how much password hashing and ZIP inflating
//! one input may cost, counted while the work is done and checked before each step.
//!
//! An *input tree* is one file as given (or standard input) with everything inside it: ZIP
//! entries, ZIPs inside ZIPs, PEM blocks, PKCS#12 bags. Each tree has one [`Spent`] record, so
//! nesting never gets a fresh budget. A *run* is every input a [`WorkMeter`] is shared by
//! (cloning [`crate::input::DetectOptions`] shares it; the command line makes one per command).
//!
//! On the ground floor: detection ([`crate::input`]) and the PKCS#12 reader ([`crate::pkcs12`])
//! both charge it, and neither imports the other for it.
//!
//! Key-derivation work is counted in *units*: one unit is one compression-function call of a
//! hash with a 64-byte block (SHA-1, SHA-224, SHA-256); SHA-384 and SHA-512 compress 128-byte
//! blocks and count two. One iteration of the PKCS#12 KDF (RFC 7292 §B.2) costs one call per
//! output block of the hash; one PBKDF2-HMAC iteration (RFC 8018 §5.2) costs two (the inner and
//! outer hash of HMAC) per output block; scrypt (RFC 7914) costs 2·N·r·p (its 4·N·r·p
//! Salsa20/8 blocks counted as half a unit each). Every password tried is charged, so giving
//! five passwords costs five derivations. Nothing here reads the clock: budgets are work, not
//! time.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Default key-derivation budget of one input tree, in units (module docs). A PFX with every
/// count at the 1,000,000 iteration cap (MAC, certificate safe and key, three passwords tried
/// for the MAC) needs about 9,000,000; what Windows, OpenSSL and Java export (2,000 to 10,000
/// iterations) needs 14,000 to 70,000.
pub const DEFAULT_MAX_KDF_WORK: u64 = 16_000_000;
/// Default key-derivation budget of a whole run, in units: the per-file budget 62 times over,
/// or some 55,000 PFX files as Windows exports them (about 18,000 units each with three
/// passwords tried on the MAC).
pub const DEFAULT_MAX_KDF_WORK_RUN: u64 = 1_000_000_000;

/// How much key-derivation work one input tree and one run may cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfBudget {
    /// Units one input tree may spend.
    pub per_file: u64,
    /// Units all inputs sharing a [`WorkMeter`] may spend together.
    pub per_run: u64,
}

impl Default for KdfBudget {
    fn default() -> Self {
        KdfBudget {
            per_file: DEFAULT_MAX_KDF_WORK,
            per_run: DEFAULT_MAX_KDF_WORK_RUN,
        }
    }
}

/// Work done in a run, counted as it is done. Shared between threads (a scan) through an
/// `Arc`; the counters only grow.
#[derive(Debug, Default)]
pub struct WorkMeter {
    kdf_work: AtomicU64,
    derivations: AtomicU64,
    inflated: AtomicU64,
}

impl WorkMeter {
    /// Key-derivation units spent (module docs).
    pub fn kdf_work(&self) -> u64 {
        self.kdf_work.load(Ordering::Relaxed)
    }

    /// Key derivations run (each password tried on each MAC, safe or key counts one).
    pub fn derivations(&self) -> u64 {
        self.derivations.load(Ordering::Relaxed)
    }

    /// Bytes produced by inflating ZIP entries, accepted or not.
    pub fn inflated_bytes(&self) -> u64 {
        self.inflated.load(Ordering::Relaxed)
    }

    /// Take `work` units from the run budget `cap`, or take nothing and say no.
    fn take_kdf(&self, work: u64, cap: u64) -> bool {
        self.kdf_work
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |spent| {
                spent.checked_add(work).filter(|&total| total <= cap)
            })
            .is_ok()
    }
}

/// Which budget refused a derivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetScope {
    /// The input tree's (`--max-kdf-work`).
    File,
    /// The run's (`--max-kdf-work-run`).
    Run,
}

impl std::fmt::Display for BudgetScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BudgetScope::File => "file (--max-kdf-work)",
            BudgetScope::Run => "run (--max-kdf-work-run)",
        })
    }
}

/// What one input tree has spent. Detection of one tree runs on one thread.
#[derive(Debug, Default)]
pub(crate) struct Spent {
    kdf: Cell<u64>,
    inflated: Cell<u64>,
    entries: Cell<usize>,
    zip_budget_reported: Cell<bool>,
}

impl Spent {
    /// Bytes inflated so far in this tree.
    pub(crate) fn inflated(&self) -> u64 {
        self.inflated.get()
    }

    /// Count `n` inflated bytes (whether the entry is then used or refused).
    pub(crate) fn add_inflated(&self, meter: &WorkMeter, n: u64) {
        self.inflated.set(self.inflated.get().saturating_add(n));
        meter.inflated.fetch_add(n, Ordering::Relaxed);
    }

    /// ZIP entries (in every archive of this tree) counted so far.
    pub(crate) fn entries(&self) -> usize {
        self.entries.get()
    }

    /// Whether the tree's ZIP inflation budget has run out and been reported.
    pub(crate) fn zip_budget_reported(&self) -> bool {
        self.zip_budget_reported.get()
    }

    /// Note that the tree's ZIP inflation budget has run out and been reported.
    pub(crate) fn report_zip_budget(&self) {
        self.zip_budget_reported.set(true);
    }

    /// Count `n` more ZIP entries.
    pub(crate) fn add_entries(&self, n: usize) {
        self.entries.set(self.entries.get().saturating_add(n));
    }
}

/// One input tree's key-derivation account: what the tree has spent, the budgets in force and
/// the run's meter. Readers of password-protected objects (PKCS#12 files, encrypted keys)
/// charge every derivation to it before running it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Account<'a> {
    /// The input tree's record.
    pub(crate) spent: &'a Spent,
    /// The per-file and per-run budgets.
    pub(crate) limits: KdfBudget,
    /// The run's counters, shared with every other input of the run.
    pub(crate) meter: &'a WorkMeter,
}

impl Account<'_> {
    /// Whether `work` units could still be charged, without charging them.
    pub(crate) fn affordable(&self, work: u64) -> Result<(), BudgetScope> {
        if self.spent.kdf.get().saturating_add(work) > self.limits.per_file {
            return Err(BudgetScope::File);
        }
        if self.meter.kdf_work().saturating_add(work) > self.limits.per_run {
            return Err(BudgetScope::Run);
        }
        Ok(())
    }

    /// Charge one derivation of `work` units before running it. On refusal nothing is
    /// charged and the derivation must not run.
    pub(crate) fn charge(&self, work: u64) -> Result<(), BudgetScope> {
        let total = self.spent.kdf.get().saturating_add(work);
        if total > self.limits.per_file {
            return Err(BudgetScope::File);
        }
        if !self.meter.take_kdf(work, self.limits.per_run) {
            return Err(BudgetScope::Run);
        }
        self.meter.derivations.fetch_add(1, Ordering::Relaxed);
        self.spent.kdf.set(total);
        Ok(())
    }

    /// The budget `scope` names, in units (what a refusal reports).
    pub(crate) fn limit(&self, scope: BudgetScope) -> u64 {
        match scope {
            BudgetScope::File => self.limits.per_file,
            BudgetScope::Run => self.limits.per_run,
        }
    }
}

/// The hash under a KDF, for its cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KdfHash {
    /// SHA-1: 20-byte output, 64-byte block.
    Sha1,
    /// SHA-224: 28-byte output, 64-byte block.
    Sha224,
    /// SHA-256: 32-byte output, 64-byte block.
    Sha256,
    /// SHA-384: 48-byte output, 128-byte block.
    Sha384,
    /// SHA-512: 64-byte output, 128-byte block.
    Sha512,
}

impl KdfHash {
    fn output_len(self) -> u64 {
        match self {
            KdfHash::Sha1 => 20,
            KdfHash::Sha224 => 28,
            KdfHash::Sha256 => 32,
            KdfHash::Sha384 => 48,
            KdfHash::Sha512 => 64,
        }
    }

    /// Units per compression call.
    fn weight(self) -> u64 {
        match self {
            KdfHash::Sha384 | KdfHash::Sha512 => 2,
            _ => 1,
        }
    }

    fn blocks(self, out_len: usize) -> u64 {
        (out_len as u64).div_ceil(self.output_len()).max(1)
    }
}

/// Units for one PKCS#12 KDF derivation of `out_len` bytes (iterations of 0 run once).
pub(crate) fn pkcs12_kdf_cost(hash: KdfHash, iterations: u64, out_len: usize) -> u64 {
    iterations
        .max(1)
        .saturating_mul(hash.blocks(out_len))
        .saturating_mul(hash.weight())
}

/// Units for one PBKDF2-HMAC derivation of `out_len` bytes.
pub(crate) fn pbkdf2_cost(hash: KdfHash, iterations: u64, out_len: usize) -> u64 {
    pkcs12_kdf_cost(hash, iterations, out_len).saturating_mul(2)
}

/// Units for one scrypt derivation.
pub(crate) fn scrypt_cost(n: u64, r: u64, p: u64) -> u64 {
    n.saturating_mul(r).saturating_mul(p).saturating_mul(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_count_blocks_and_weights() {
        // 3DES key (24 bytes) from SHA-1: two output blocks.
        assert_eq!(pkcs12_kdf_cost(KdfHash::Sha1, 2000, 24), 4000);
        assert_eq!(pkcs12_kdf_cost(KdfHash::Sha1, 0, 8), 1);
        // AES-256 key from HMAC-SHA256: one block, two hashes per iteration.
        assert_eq!(pbkdf2_cost(KdfHash::Sha256, 2048, 32), 4096);
        assert_eq!(pbkdf2_cost(KdfHash::Sha512, 10, 32), 40);
        assert_eq!(pbkdf2_cost(KdfHash::Sha1, u64::MAX, 32), u64::MAX);
        assert_eq!(scrypt_cost(16384, 8, 1), 262_144);
    }

    #[test]
    fn spent_refuses_past_the_file_then_the_run_budget() {
        let limits = KdfBudget {
            per_file: 100,
            per_run: 150,
        };
        let meter = WorkMeter::default();
        let (first, second) = (Spent::default(), Spent::default());
        let account = |spent| Account {
            spent,
            limits,
            meter: &meter,
        };
        let a = account(&first);
        assert_eq!(a.charge(60), Ok(()));
        assert_eq!(a.charge(41), Err(BudgetScope::File));
        assert_eq!(a.charge(40), Ok(()));
        assert_eq!(a.affordable(1), Err(BudgetScope::File));
        assert_eq!(a.affordable(0), Ok(()));
        let b = account(&second);
        assert_eq!(b.charge(60), Err(BudgetScope::Run));
        assert_eq!(b.charge(50), Ok(()));
        assert_eq!(a.limit(BudgetScope::Run), 150);
        assert_eq!(meter.kdf_work(), 150);
        assert_eq!(meter.derivations(), 3);
    }
}
