//! Inputs for the replay: the committed corpus (`tests/corpus/`) and seeded mutations
//! of it, the same every run.

use super::args::{values_for, COMMANDS, FLAGS, VALUES};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// One input and how it was made (printed if it fails).
pub struct Input {
    pub label: String,
    pub bytes: Vec<u8>,
}

fn pick<'a>(rng: &mut ChaCha8Rng, from: &[&'a str]) -> &'a str {
    from.choose(rng).copied().unwrap_or("")
}

/// One edit of an argument list. Most edits change a value and keep the command
/// well-formed, so that the runs reach the commands rather than clap's parser.
fn edit_tokens(tokens: &mut Vec<String>, rng: &mut ChaCha8Rng) {
    let len = tokens.len();
    let at = rng.gen_range(0..=len);
    let some = |rng: &mut ChaCha8Rng| rng.gen_range(0..len.max(1));
    let values: Vec<usize> = (1..len).filter(|&i| !tokens[i].starts_with('-')).collect();
    match rng.gen_range(0..17) {
        0..=9 if !values.is_empty() => {
            // Mostly a value of the flag's own kind; sometimes any value.
            let i = values[rng.gen_range(0..values.len())];
            let pool = if rng.gen_bool(0.7) {
                values_for(&tokens[i - 1])
            } else {
                VALUES
            };
            tokens[i] = pick(rng, pool).to_string();
        }
        10 if len > 0 => tokens[some(rng)] = pick(rng, FLAGS).to_string(),
        11 if len > 1 => {
            tokens.remove(rng.gen_range(1..len));
        }
        12 => {
            let at = at.max(1).min(len);
            tokens.insert(at, pick(rng, VALUES).to_string());
            tokens.insert(at, pick(rng, FLAGS).to_string());
        }
        13 if len > 1 => {
            let (i, j) = (rng.gen_range(1..len), rng.gen_range(1..len));
            if rng.gen_bool(0.5) {
                tokens.swap(i, j);
            } else {
                let t = tokens[i].clone();
                tokens.insert(j, t);
            }
        }
        14 if len > 0 => {
            // A character-level typo: a digit, a sign, a dot, a letter, or a deletion.
            let i = some(rng);
            let mut chars: Vec<char> = tokens[i].chars().collect();
            let pos = rng.gen_range(0..=chars.len());
            let c = *b"0123456789-+.eEx:,=_ ".choose(rng).unwrap() as char;
            if rng.gen_bool(0.3) && pos < chars.len() {
                chars.remove(pos);
            } else {
                chars.insert(pos, c);
            }
            tokens[i] = chars.into_iter().collect();
        }
        15 if len > 0 => {
            // `--flag=value` in one argument.
            let i = some(rng);
            tokens[i] = format!("{}={}", pick(rng, FLAGS), pick(rng, VALUES));
        }
        _ => tokens.insert(at, pick(rng, COMMANDS).to_string()),
    }
}

/// The argument-list corpus and `count` seeded mutations of it (1 to 4 edits each),
/// and some lines made from the vocabulary alone. Benchmark lines are drawn less
/// often: a benchmark run takes a second where a fit takes a millisecond.
pub fn arg_inputs(seeds: &[(String, String)], count: usize, rng: &mut ChaCha8Rng) -> Vec<Input> {
    let mut out: Vec<Input> = seeds
        .iter()
        .map(|(name, line)| Input {
            label: format!("seed {name}: {line}"),
            bytes: line.clone().into_bytes(),
        })
        .collect();
    let light: Vec<&(String, String)> = seeds
        .iter()
        .filter(|(_, l)| !l.starts_with("bench"))
        .collect();
    let heavy: Vec<&(String, String)> = seeds
        .iter()
        .filter(|(_, l)| l.starts_with("bench"))
        .collect();
    for k in 0..count {
        let line = if k % 20 == 19 {
            // From scratch: a command and a few flags with values.
            let mut t = vec![pick(rng, COMMANDS).to_string()];
            for _ in 0..rng.gen_range(0..6) {
                t.push(pick(rng, FLAGS).to_string());
                t.push(pick(rng, VALUES).to_string());
            }
            t.join(" ")
        } else {
            let pool = if k % 25 == 7 && !heavy.is_empty() {
                &heavy
            } else {
                &light
            };
            let (_, seed) = pool[rng.gen_range(0..pool.len())];
            let mut t: Vec<String> = seed.split_whitespace().map(String::from).collect();
            let edits = if rng.gen_bool(0.6) {
                1
            } else {
                rng.gen_range(2..=4)
            };
            for _ in 0..edits {
                edit_tokens(&mut t, rng);
            }
            t.join(" ")
        };
        out.push(Input {
            label: format!("mutation {k}: {line}"),
            bytes: line.into_bytes(),
        });
    }
    out
}

/// JSON values that test a reader's edges.
fn odd_value(rng: &mut ChaCha8Rng) -> Value {
    let deep = (0..200).fold(json!(0), |v, _| json!([v]));
    let choices = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(1e308),
        json!(-1e308),
        json!(5e-324),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(""),
        json!("NaN"),
        json!("linear"),
        json!("logistic"),
        json!("poisson"),
        json!("Gaussian"),
        json!("Bernoulli"),
        json!("Poisson"),
        json!("Lbfgs"),
        json!("zero-based"),
        json!("one-based"),
        json!("f32"),
        json!([]),
        json!({}),
        json!([1, 2, 3]),
        json!([1e308, -1e308, 0.0]),
        json!({"v": 1, "dim": [2], "data": [1.0, 2.0]}),
        json!({"v": 2, "dim": [3], "data": [1.0, 2.0, 3.0]}),
        json!({"v": 1, "dim": [1000000000000u64], "data": [1.0]}),
        deep,
    ];
    choices[rng.gen_range(0..choices.len())].clone()
}

/// A random place in `v` (an object key or array slot), as a path.
fn random_path(v: &Value, rng: &mut ChaCha8Rng) -> Vec<Value> {
    let mut path = Vec::new();
    let mut cur = v;
    loop {
        let next = match cur {
            Value::Object(o) if !o.is_empty() && rng.gen_bool(0.7) => {
                let keys: Vec<&String> = o.keys().collect();
                let k = keys[rng.gen_range(0..keys.len())].clone();
                path.push(json!(k.clone()));
                &o[&k]
            }
            Value::Array(a) if !a.is_empty() && rng.gen_bool(0.7) => {
                let i = rng.gen_range(0..a.len());
                path.push(json!(i));
                &a[i]
            }
            _ => return path,
        };
        cur = next;
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |cur, seg| match seg {
        Value::String(k) => &mut cur[k.as_str()],
        _ => &mut cur[seg.as_u64().unwrap_or(0) as usize],
    })
}

/// One structural edit of a JSON document.
fn edit_json(v: &mut Value, rng: &mut ChaCha8Rng) {
    let path = random_path(v, rng);
    match rng.gen_range(0..4) {
        0 | 1 => *at_mut(v, &path) = odd_value(rng),
        2 => {
            // Remove the key or slot.
            if let Some((last, parent)) = path.split_last() {
                match (at_mut(v, parent), last) {
                    (Value::Object(o), Value::String(k)) => {
                        o.remove(k);
                    }
                    (Value::Array(a), i) => {
                        let i = i.as_u64().unwrap_or(0) as usize;
                        if i < a.len() {
                            a.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {
            // A key the format does not have, or one of its keys somewhere else.
            if let Value::Object(o) = at_mut(v, &path) {
                let key = [
                    "svmlight_numbering",
                    "dtype",
                    "n_features",
                    "extra",
                    "fitted",
                ]
                .choose(rng)
                .unwrap();
                o.insert(key.to_string(), odd_value(rng));
            }
        }
    }
}

/// One byte-level edit.
fn edit_bytes(b: &mut Vec<u8>, rng: &mut ChaCha8Rng) {
    let len = b.len();
    let pos = rng.gen_range(0..=len);
    match rng.gen_range(0..5) {
        0 => b.truncate(pos),
        1 if len > 0 => b[pos.min(len - 1)] ^= 1 << rng.gen_range(0..8),
        2 => {
            let junk = *[
                &b"\xff\xfe"[..],
                b"\"",
                b"{",
                b"]",
                b",",
                b"e999",
                b"-",
                b"\x00",
            ]
            .choose(rng)
            .unwrap();
            b.splice(pos..pos, junk.iter().copied());
        }
        3 if len > 0 => {
            let end = (pos + rng.gen_range(0..64)).min(len);
            let piece = b[pos.min(end)..end].to_vec();
            b.splice(pos..pos, piece);
        }
        _ => {
            // A digit changed: numbers grow, shrink, change sign.
            if let Some(i) = b.iter().skip(pos).position(|c| c.is_ascii_digit()) {
                b[pos + i] = b"0123456789-e"[rng.gen_range(0..12)];
            }
        }
    }
}

/// The model corpus and `count` seeded mutations: structural ones (parsed, edited,
/// written back) and byte-level ones.
pub fn model_inputs(seeds: &[(String, Vec<u8>)], count: usize, rng: &mut ChaCha8Rng) -> Vec<Input> {
    let mut out: Vec<Input> = seeds
        .iter()
        .map(|(name, b)| Input {
            label: format!("seed {name}"),
            bytes: b.clone(),
        })
        .collect();
    for k in 0..count {
        let (name, seed) = &seeds[rng.gen_range(0..seeds.len())];
        let structural = k % 3 != 2;
        let bytes = match serde_json::from_slice::<Value>(seed) {
            Ok(mut v) if structural => {
                for _ in 0..rng.gen_range(1..=3) {
                    edit_json(&mut v, rng);
                }
                v.to_string().into_bytes()
            }
            _ => {
                let mut b = seed.clone();
                for _ in 0..rng.gen_range(1..=4) {
                    edit_bytes(&mut b, rng);
                }
                b
            }
        };
        let how = if structural { "json" } else { "bytes" };
        out.push(Input {
            label: format!("{how} mutation {k} of {name}"),
            bytes,
        });
    }
    out
}
