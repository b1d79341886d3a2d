//! CSV and svmlight inputs: the corpus, hostile lines, and seeded mutations.

use rand_chacha::ChaCha8Rng;

use crate::mutate::{from_seeds, Input};

/// Cells that are not plain numbers, or are numbers only some parsers accept,
/// or overflow `f64` or `f32`.
const CELLS: &[&str] = &[
    "1e309",
    "-1e309",
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "1e39",
    "-3.5e38",
    "4.9e-324",
    "0x10",
    "1_000",
    "+1",
    ".5",
    "5.",
    "1e",
    "",
    " ",
    "\"1\"",
    "\"",
    "\"\"",
    "--1",
    "1d0",
    "\u{661}",
    "\u{1d7d9}",
    "\u{feff}1",
    "1\u{0}",
    "\t2\t",
];

/// Feature indices for svmlight: the edges of every limit a reader has.
const INDICES: &[&str] = &[
    "0",
    "1",
    "2",
    "7",
    "8",
    "9",
    "1048575",
    "1048576",
    "1048577",
    "1073741824",
    "2305843009213693952",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "100000000000000000000000000000",
    "-1",
    "+1",
    "1.0",
    "",
    "x",
    "01",
];

/// The same text with its line ends and start changed.
fn variants(name: &str, text: &[u8], out: &mut Vec<Input>) {
    let s = String::from_utf8_lossy(text);
    out.push(Input::bytes(
        format!("{name} with CRLF"),
        s.replace('\n', "\r\n"),
    ));
    out.push(Input::bytes(
        format!("{name} with CR only"),
        s.replace('\n', "\r"),
    ));
    out.push(Input::bytes(
        format!("{name} with a BOM"),
        format!("\u{feff}{s}"),
    ));
    out.push(Input::bytes(
        format!("{name} with two BOMs"),
        format!("\u{feff}\u{feff}{s}"),
    ));
    out.push(Input::bytes(
        format!("{name} without its last newline"),
        s.trim_end(),
    ));
    let mut nul = text.to_vec();
    nul.insert(text.len() / 2, 0);
    out.push(Input::bytes(format!("{name} with a NUL"), nul));
    let mut bad = text.to_vec();
    bad.insert(text.len() / 2, 0xff);
    out.push(Input::bytes(format!("{name} with invalid UTF-8"), bad));
}

/// Lines that never end, or end too late.
fn endless_and_long(fmt: &str, row: &str, out: &mut Vec<Input>) {
    out.push(Input::endless(format!("/dev/zero as {fmt}"), Vec::new(), 0));
    out.push(Input::endless(
        format!("{fmt} then spaces for ever"),
        row,
        b' ',
    ));
    out.push(Input::endless(
        format!("{fmt} then a digit for ever"),
        row,
        b'7',
    ));
    out.push(Input::endless(
        format!("{fmt} open quote then newlines for ever"),
        format!("{row}\""),
        b'\n',
    ));
    let long = format!("{row}{}\n", "1".repeat(100_000));
    out.push(Input::bytes(format!("{fmt} 100 kB line"), long));
}

/// Tokens to splice into text.
const DICT: &[&[u8]] = &[
    b",",
    b"\n",
    b"\r\n",
    b"\"",
    b"#",
    b":",
    b" ",
    b"qid:",
    b"nan",
    b"inf",
    b"1e309",
    b"-0",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
    b"18446744073709551616",
    b"2305843009213693952",
    b"0:",
    b"a",
    b"1",
    b"9:9",
];

/// Mutations of text seeds: exhaustive over the whole (small) file, random,
/// and with line ends and start changed.
fn from_text_seeds(seeds: &[(String, Vec<u8>)], rng: &mut ChaCha8Rng) -> Vec<Input> {
    let mut out = from_seeds(seeds, usize::MAX, DICT, 5_000, rng);
    for (name, seed) in seeds {
        variants(name, seed, &mut out);
    }
    out
}

/// Every input for the CSV reader.
pub fn csv_inputs(seeds: &[(String, Vec<u8>)], rng: &mut ChaCha8Rng) -> Vec<Input> {
    let mut out = from_text_seeds(seeds, rng);
    for cell in CELLS {
        for (what, text) in [
            ("data cell", format!("a,b\n1,{cell}\n")),
            ("first cell", format!("{cell},2\n3,4\n")),
            ("header cell", format!("a,{cell}\n3,4\n")),
        ] {
            out.push(Input::bytes(format!("csv {what} {cell:?}"), text));
        }
    }
    for (what, text) in [
        ("ragged", "a,b\n1,2,3\n".to_string()),
        ("unbalanced quote", "a,b\n\"1,2\n3,4\n".to_string()),
        ("quoted newline", "a,b\n\"1\n\",2\n".to_string()),
        ("1000 columns", format!("{}\n", vec!["1"; 1000].join(","))),
        ("only delimiters", ",,,\n,,,\n".to_string()),
        ("only newlines", "\n\n\n".to_string()),
    ] {
        out.push(Input::bytes(format!("csv {what}"), text));
    }
    endless_and_long("csv", "a,b\n1,", &mut out);
    out
}

/// Every input for the svmlight reader.
pub fn svmlight_inputs(seeds: &[(String, Vec<u8>)], rng: &mut ChaCha8Rng) -> Vec<Input> {
    let mut out = from_text_seeds(seeds, rng);
    for index in INDICES {
        for (what, line) in [
            ("alone", format!("1 {index}:1\n")),
            ("after 1", format!("1 1:1 {index}:2\n")),
            ("before 1 (unsorted)", format!("1 {index}:1 1:2\n")),
            ("twice (duplicate)", format!("1 {index}:1 {index}:2\n")),
            ("with a zero-based line", format!("0 0:1\n1 {index}:1\n")),
        ] {
            out.push(Input::bytes(
                format!("svmlight index {index:?} {what}"),
                line,
            ));
        }
    }
    for cell in CELLS {
        for (what, text) in [
            ("value", format!("1 1:{cell}\n")),
            ("label", format!("{cell} 1:1\n")),
        ] {
            out.push(Input::bytes(format!("svmlight {what} {cell:?}"), text));
        }
    }
    for line in [
        "1 qid:1 1:1",
        "1 1:1 qid:1",
        "1 qid:x",
        "1 qid:",
        "1 qid:99999999999999999999",
        "1 1:",
        "1 :1",
        "1 1::1",
        "1 1:1:1",
        ":",
        "#",
        "1#c",
        "1 1:1#c 2:2",
        "1 1:1 # 0:5",
        "qid:1",
    ] {
        out.push(Input::bytes(
            format!("svmlight line {line:?}"),
            format!("{line}\n"),
        ));
    }
    endless_and_long("svmlight", "1 1:1\n0 2:", &mut out);
    out
}
