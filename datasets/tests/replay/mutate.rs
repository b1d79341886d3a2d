//! Inputs for the replay: seed files and seeded mutations of them.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Where an input's bytes come from.
pub enum Source {
    /// All of it.
    Bytes(Vec<u8>),
    /// `head`, then `fill` for ever (a pipe that never ends, `/dev/zero`).
    Endless { head: Vec<u8>, fill: u8 },
}

/// One input, and a label that says how it was made (printed if it fails).
pub struct Input {
    pub label: String,
    pub source: Source,
}

impl Input {
    pub fn bytes(label: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Input {
            label: label.into(),
            source: Source::Bytes(bytes.into()),
        }
    }

    pub fn endless(label: impl Into<String>, head: impl Into<Vec<u8>>, fill: u8) -> Self {
        Input {
            label: label.into(),
            source: Source::Endless {
                head: head.into(),
                fill,
            },
        }
    }
}

/// Bytes that matter to one of the formats: delimiters, quotes, line ends,
/// brackets, signs, digits, NUL, invalid UTF-8 and the first byte of a BOM.
const INTERESTING: &[u8] = b"\x00\xff\n\r\",:#; \t-+9.eE({[)}]'\x80\xc3\xef";

/// Every truncation, and every single-bit flip and interesting byte within
/// `span` (a file's header, or all of a small text file).
fn exhaustive(name: &str, seed: &[u8], span: std::ops::Range<usize>, out: &mut Vec<Input>) {
    for len in 0..seed.len() {
        out.push(Input::bytes(format!("{name} cut at {len}"), &seed[..len]));
    }
    for pos in span {
        for bit in 0..8 {
            let mut m = seed.to_vec();
            m[pos] ^= 1 << bit;
            out.push(Input::bytes(
                format!("{name} bit {bit} of byte {pos} flipped"),
                m,
            ));
        }
        for &b in INTERESTING {
            if seed[pos] != b {
                let mut m = seed.to_vec();
                m[pos] = b;
                out.push(Input::bytes(format!("{name} byte {pos} = {b:#04x}"), m));
            }
        }
    }
}

/// A random range of `len` bytes' positions, of length at most `max`.
fn range(rng: &mut ChaCha8Rng, len: usize, max: usize) -> std::ops::Range<usize> {
    let start = rng.gen_range(0..=len);
    let end = (start + rng.gen_range(0..=max)).min(len);
    start..end
}

/// One random edit of `m`; `dict` holds format tokens to splice in.
fn edit(m: &mut Vec<u8>, rng: &mut ChaCha8Rng, dict: &[&[u8]]) {
    let len = m.len();
    let pos = rng.gen_range(0..=len);
    let token = dict[rng.gen_range(0..dict.len())];
    match rng.gen_range(0..10) {
        0 if len > 0 => m[pos.min(len - 1)] ^= 1 << rng.gen_range(0..8),
        1 if len > 0 => m[pos.min(len - 1)] = rng.gen(),
        2 if len > 0 => m[pos.min(len - 1)] = INTERESTING[rng.gen_range(0..INTERESTING.len())],
        3 => {
            m.splice(pos..pos, token.iter().copied());
        }
        4 => {
            m.drain(range(rng, len, 16));
        }
        5 => {
            let r = range(rng, len, 32);
            let chunk = m[r].to_vec();
            m.splice(pos..pos, chunk);
        }
        6 => m.truncate(pos),
        7 => {
            let r = range(rng, len, 8);
            m.splice(r, token.iter().copied());
        }
        8 if len > 1 => {
            let other = rng.gen_range(0..len);
            m.swap(pos.min(len - 1), other);
        }
        _ => {
            // Repeat a short range many times: long lines, deep nesting.
            let r = range(rng, len, 4);
            let chunk = m[r].to_vec();
            let times = rng.gen_range(2..200);
            let at = pos.min(m.len());
            m.splice(at..at, chunk.repeat(times));
        }
    }
}

/// `rounds` inputs, each `seed` with one to six random edits stacked.
fn random(
    name: &str,
    seed: &[u8],
    dict: &[&[u8]],
    rounds: usize,
    rng: &mut ChaCha8Rng,
    out: &mut Vec<Input>,
) {
    for k in 0..rounds {
        let mut m = seed.to_vec();
        for _ in 0..rng.gen_range(1..=6) {
            edit(&mut m, rng, dict);
        }
        out.push(Input::bytes(format!("{name} random edit #{k}"), m));
    }
}

/// For each seed: the seed itself, its exhaustive mutations within its first
/// `span` bytes, and `rounds` random ones.
pub fn from_seeds(
    seeds: &[(String, Vec<u8>)],
    span: usize,
    dict: &[&[u8]],
    rounds: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<Input> {
    let mut out = Vec::new();
    for (name, seed) in seeds {
        out.push(Input::bytes(format!("{name} as is"), seed.clone()));
        exhaustive(name, seed, 0..seed.len().min(span), &mut out);
        random(name, seed, dict, rounds, rng, &mut out);
    }
    out
}
