//! Seeded mutations of a valid file, for the tests that feed every parser thousands of broken
//! inputs: bit flips, truncations, inflated length fields and numbers, and another file's
//! header spliced over this one's. Each parser must answer `Ok` or a clear error, never panic.
//! Test-only.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// SplitMix64: seeded, and self-contained so that every module's tests may use this one.
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

thread_local! {
    /// Whether this thread is inside a mutation run, whose caught panics print nothing.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once, a panic hook that is silent on threads inside a mutation run and is the
/// previous hook everywhere else: tests run in parallel, and their own failures must still print.
fn quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Mutations run on each parser.
pub const MUTATIONS: u64 = 10_000;

/// How many of each outcome a mutation run had.
#[derive(Debug, Default)]
pub struct Outcomes {
    pub ok: usize,
    pub errors: usize,
    /// (mutation number, what it did, the panic's message), the first few only.
    pub panics: Vec<(u64, String, String)>,
    pub panic_count: usize,
}

/// Runs `parse` on `MUTATIONS` mutations of `valid`, seeded by `seed`, with `other` (another
/// valid file, of any kind) as the source of swapped headers. `parse` returns the error's text
/// when it refuses; an empty text counts as a panic, since it explains nothing.
pub fn run(valid: &[u8], other: &[u8], seed: u64, parse: impl Fn(&[u8]) -> Result<(), String>) -> Outcomes {
    let mut rng = Seeded::new(seed);
    let mut outcomes = Outcomes::default();
    // Quiet: each caught panic would print its message and a note.
    quiet_hook();
    QUIET.with(|quiet| quiet.set(true));
    for number in 0..MUTATIONS {
        let (bytes, what) = mutate(valid, other, &mut rng);
        let outcome = catch_unwind(AssertUnwindSafe(|| parse(&bytes)));
        let panic = match outcome {
            Ok(Ok(())) => {
                outcomes.ok += 1;
                None
            }
            Ok(Err(message)) if !message.trim().is_empty() => {
                outcomes.errors += 1;
                None
            }
            Ok(Err(_)) => Some("an empty error message".to_string()),
            Err(payload) => Some(
                payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            ),
        };
        if let Some(message) = panic {
            outcomes.panic_count += 1;
            if outcomes.panics.len() < 5 {
                outcomes.panics.push((number, what, message));
            }
        }
    }
    QUIET.with(|quiet| quiet.set(false));
    outcomes
}

/// One mutation of `valid` and a few words on what it did.
pub fn mutate(valid: &[u8], other: &[u8], rng: &mut Seeded) -> (Vec<u8>, String) {
    let mut bytes = valid.to_vec();
    let below = |rng: &mut Seeded, n: usize| (rng.next_u64() % n.max(1) as u64) as usize;
    // Most of a file's structure sits in its first bytes: aim there half the time.
    let position = |rng: &mut Seeded, len: usize| {
        if rng.next_u64() % 2 == 0 { below(rng, len.min(256)) } else { below(rng, len) }
    };
    let what = match rng.next_u64() % 6 {
        0 => {
            let flips = 1 + below(rng, 8);
            for _ in 0..flips {
                let at = position(rng, bytes.len());
                bytes[at] ^= 1 << below(rng, 8);
            }
            format!("{flips} bit flips")
        }
        1 => {
            let keep = below(rng, bytes.len());
            bytes.truncate(keep);
            format!("truncated to {keep} bytes")
        }
        2 => {
            // A length or count field (4 or 8 bytes, either byte order) made huge or zero.
            let values = [u64::MAX, 1 << 63, u32::MAX as u64, 1 << 31, 1 << 40, 0, 1];
            let value = values[below(rng, values.len())];
            let width = if rng.next_u64() % 2 == 0 { 4 } else { 8 };
            let at = position(rng, bytes.len().saturating_sub(width));
            let field = match (width, rng.next_u64() % 2) {
                (4, 0) => (value as u32).to_le_bytes().to_vec(),
                (4, _) => (value as u32).to_be_bytes().to_vec(),
                (_, 0) => value.to_le_bytes().to_vec(),
                _ => value.to_be_bytes().to_vec(),
            };
            let end = (at + width).min(bytes.len());
            bytes[at..end].copy_from_slice(&field[..end - at]);
            format!("{width}-byte field at {at} set to {value}")
        }
        3 => {
            // A number written in text (a JSON header's shape, offset or setting) inflated.
            let digits: Vec<usize> = (0..bytes.len().min(4096)).filter(|&i| bytes[i].is_ascii_digit()).collect();
            if digits.is_empty() {
                return mutate(valid, other, rng);
            }
            let at = digits[below(rng, digits.len())];
            let mut end = at;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            let numbers = ["18446744073709551616", "4294967296", "99999999999", "0", "-1", "1e308"];
            let number = numbers[below(rng, numbers.len())];
            bytes.splice(at..end, number.bytes());
            format!("the number at {at} replaced by {number}")
        }
        4 => {
            // Another file's header over this one's.
            let take = 1 + below(rng, other.len().min(512));
            let end = take.min(bytes.len());
            bytes[..end].copy_from_slice(&other[..end]);
            format!("the other file's first {end} bytes swapped in")
        }
        _ => {
            // Bytes inserted or deleted, shifting everything after them.
            let at = position(rng, bytes.len());
            let count = 1 + below(rng, 16);
            if rng.next_u64() % 2 == 0 {
                let noise: Vec<u8> = (0..count).map(|_| rng.next_u64() as u8).collect();
                bytes.splice(at..at, noise);
                format!("{count} bytes inserted at {at}")
            } else {
                let end = (at + count).min(bytes.len());
                bytes.drain(at..end);
                format!("{} bytes deleted at {at}", end - at)
            }
        }
    };
    (bytes, what)
}

/// Asserts that a mutation run had no panic and that the mutations reached the parser: at
/// least a tenth of them were refused.
pub fn assert_no_panics(name: &str, outcomes: &Outcomes) {
    eprintln!("{name}: {} mutations, {} Ok, {} errors, {} panics", MUTATIONS, outcomes.ok, outcomes.errors, outcomes.panic_count);
    assert_eq!(outcomes.ok + outcomes.errors + outcomes.panic_count, MUTATIONS as usize);
    assert!(outcomes.panics.is_empty(), "{name}: {} of {MUTATIONS} mutations panicked, the first: {:#?}", outcomes.panic_count, outcomes.panics);
    // Mutations that keep a file valid (a flipped bit in a weight) and ones that break it both
    // occur, or the mutator is not reaching the parser.
    assert!(outcomes.errors > MUTATIONS as usize / 10, "{name}: only {} errors", outcomes.errors);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_parser_is_caught_and_counted() {
        let outcomes = run(b"0123456789abcdef", b"xyz", 1, |bytes| {
            if bytes.len() < 4 {
                panic!("short");
            }
            if bytes.len() == 16 { Ok(()) } else { Err("wrong length".into()) }
        });
        assert!(outcomes.panic_count > 0 && outcomes.ok > 0 && outcomes.errors > 0, "{outcomes:?}");
        assert_eq!(outcomes.panics[0].2, "short");
        let caught = catch_unwind(|| assert_no_panics("example", &outcomes));
        assert!(caught.is_err(), "a run with panics must fail");
    }

    #[test]
    fn mutations_are_seeded() {
        let (a, _) = mutate(b"some file 123", b"other", &mut Seeded::new(7));
        let (b, _) = mutate(b"some file 123", b"other", &mut Seeded::new(7));
        assert_eq!(a, b);
    }
}
