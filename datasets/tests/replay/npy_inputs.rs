//! `.npy` inputs: the corpus, hostile headers, and seeded mutations.

use rand_chacha::ChaCha8Rng;

use crate::mutate::{from_seeds, Input};

/// A `.npy` laid out as numpy writes it: header padded to 64 bytes, then `data`.
pub fn npy(version: u8, dict: &str, data: &[u8]) -> Vec<u8> {
    let prefix = if version == 1 { 10 } else { 12 };
    let pad = (64 - (prefix + dict.len() + 1) % 64) % 64;
    let header = format!("{dict}{}\n", " ".repeat(pad));
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[version, 0]);
    if version == 1 {
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

fn dict(descr: &str, fortran: &str, shape: &str) -> String {
    format!("{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}")
}

const DESCRS: &[&str] = &[
    "'<f8'",
    "'>f8'",
    "'=f8'",
    "'|f8'",
    "'f8'",
    "'<f4'",
    "'>f4'",
    "'<f2'",
    "'<i8'",
    "'|b1'",
    "'<c16'",
    "'<U5'",
    "'|O'",
    "'<M8[ns]'",
    "[('a', '<f8')]",
    "8",
    "''",
    "None",
    "\"<f8\"",
];

const FORTRANS: &[&str] = &["False", "True", "0", "1", "'x'", "None", "false"];

const SHAPES: &[&str] = &[
    "()",
    "(0,)",
    "(1,)",
    "(6,)",
    "(2, 3)",
    "(3, 2)",
    "(0, 3)",
    "(3, 0)",
    "(1, 2, 3)",
    "(6)",
    "[2, 3]",
    "(4611686018427387904, 2)",
    "(1000000000000, 1000)",
    "(2305843009213693952, 1)",
    "(18446744073709551616,)",
    "(99999999999999999999999999999999,)",
    "(-1, 2)",
    "(2, 3,)",
    "(2L, 3L)",
    "( 2 , 3 )",
    "(2 3)",
    "(,)",
    "(1e3,)",
    "(0x10,)",
];

/// Headers that numpy would refuse, or that claim more than the data hold.
fn hostile(out: &mut Vec<Input>) {
    let data48 = [0x3fu8; 48];
    for descr in DESCRS {
        for shape in SHAPES {
            let d = dict(descr, "False", shape);
            out.push(Input::bytes(format!("npy {d}"), npy(1, &d, &data48)));
        }
    }
    for fortran in FORTRANS {
        for shape in ["(2, 3)", "(6,)"] {
            for data in [0usize, 8, 24, 48, 1000] {
                let d = dict("'<f8'", fortran, shape);
                out.push(Input::bytes(
                    format!("npy {d} + {data} bytes"),
                    npy(1, &d, &vec![0x40; data]),
                ));
            }
        }
    }
    // Format versions and header lengths that lie.
    let good = npy(1, &dict("'<f8'", "False", "(2, 3)"), &data48);
    for version in [0u8, 1, 2, 3, 4, 255] {
        for len in [0u32, 1, 118, 10_000, 10_001, 65_535, u32::MAX] {
            let mut m = b"\x93NUMPY".to_vec();
            m.extend_from_slice(&[version, 0]);
            if version == 1 {
                m.extend_from_slice(&(len as u16).to_le_bytes());
            } else {
                m.extend_from_slice(&len.to_le_bytes());
            }
            m.extend_from_slice(&good[10..]);
            out.push(Input::bytes(
                format!("npy version {version} header length {len}"),
                m,
            ));
        }
    }
    // Deep nesting, in an extra key, the shape and the descr.
    for depth in [1usize, 10, 100, 1_000, 4_000] {
        let open = "[".repeat(depth);
        let close = "]".repeat(depth);
        let nested = [
            (
                "extra key",
                format!("{{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'x': {open}1{close}, }}"),
            ),
            ("shape", format!("{{'shape': {}6{}}}", "(".repeat(depth), ")".repeat(depth))),
            ("descr", format!("{{'descr': {open}('a', '<f8'){close}}}")),
            ("dict", format!("{}{}", "{".repeat(depth), "}".repeat(depth))),
        ];
        for (what, dict) in nested {
            out.push(Input::bytes(
                format!("npy {what} nested {depth} deep"),
                npy(2, &dict, &data48),
            ));
        }
    }
    // Bytes a text header should not hold.
    for (what, text) in [
        (
            "non-UTF-8 key",
            "{'descr\u{ff}': '<f8', 'fortran_order': False, 'shape': (6,), }",
        ),
        (
            "NUL in descr",
            "{'descr': '<f\u{0}8', 'fortran_order': False, 'shape': (6,), }",
        ),
        (
            "escape in key",
            "{'descr\\'': '<f8', 'fortran_order': False, 'shape': (6,), }",
        ),
        (
            "duplicate key",
            "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,), }",
        ),
        ("missing key", "{'descr': '<f8', 'shape': (6,), }"),
        ("not a dict", "['descr', '<f8']"),
        ("empty dict", "{}"),
        (
            "unclosed",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), ",
        ),
    ] {
        out.push(Input::bytes(format!("npy {what}"), npy(1, text, &data48)));
    }
    let mut nul_padded = good.clone();
    for b in &mut nul_padded[70..127] {
        *b = 0;
    }
    out.push(Input::bytes("npy NUL padding", nul_padded));
    // Streams that never end: after a huge claim, and after a modest one.
    let huge = npy(1, &dict("'<f8'", "False", "(1000000000000, 1000)"), &[]);
    out.push(Input::endless("npy huge claim then /dev/zero", huge, 0));
    let modest = npy(1, &dict("'<f4'", "False", "(1000,)"), &[]);
    out.push(Input::endless(
        "npy 4000-byte claim then /dev/zero",
        modest,
        0,
    ));
    out.push(Input::endless("/dev/zero as npy", Vec::new(), 0));
    out.push(Input::endless(
        "npy magic then 0xff for ever",
        b"\x93NUMPY\x01\x00".to_vec(),
        0xff,
    ));
}

/// Tokens to splice into `.npy` headers.
const DICT: &[&[u8]] = &[
    b"'descr'",
    b"'shape'",
    b"'fortran_order'",
    b"True",
    b"False",
    b"(",
    b")",
    b"[",
    b"{",
    b",",
    b"'<i8'",
    b"'>f4'",
    b"4611686018427387904",
    b"18446744073709551616",
    b"1000000000000, 1000",
    b"L",
    b"'x': ",
    b"\\",
    b"\xff\xfe",
    b"\x00",
];

/// Every input for the `.npy` readers: mutations of the seeds (exhaustive over
/// the prefix and header dict, where a reader can go wrong), then hostile ones.
pub fn inputs(seeds: &[(String, Vec<u8>)], rng: &mut ChaCha8Rng) -> Vec<Input> {
    let mut out = from_seeds(seeds, 128, DICT, 3_000, rng);
    hostile(&mut out);
    out
}
