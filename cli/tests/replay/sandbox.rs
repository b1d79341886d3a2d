//! The folder the command line runs in during the replay and the fuzz targets: small
//! input files of every format (good ones and bad ones), laid out afresh before each
//! input so that one run's outputs never change the next run's inputs.
//!
//! Only the standard library: the cargo-fuzz targets include this file by path.

use std::io;
use std::path::PathBuf;

/// A `.npy` file of float64 values in C order.
fn npy(shape: &[usize], values: &[f64]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut header = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {shape}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes
}

/// Rows of a 20 x 3 design with some signal.
fn design() -> Vec<[f64; 3]> {
    (0..20)
        .map(|i| {
            let t = i as f64;
            [(t * 0.7).sin() * 2.0, (t * 1.3).cos(), t / 10.0 - 1.0]
        })
        .collect()
}

fn labels() -> Vec<f64> {
    design()
        .iter()
        .map(|r| f64::from(r[0] + 0.5 * r[1] - r[2] > 0.0))
        .collect()
}

/// The input files: name and bytes.
pub fn inputs() -> Vec<(&'static str, Vec<u8>)> {
    let rows = design();
    let flat: Vec<f64> = rows.iter().flatten().copied().collect();
    let y = labels();
    let counts: Vec<f64> = rows.iter().map(|r| (r[0].abs() * 2.0).round()).collect();
    let big: Vec<f64> = flat.iter().map(|v| v * 1e300).collect();
    let csv_rows = |sep: &str| -> String {
        rows.iter()
            .zip(&y)
            .map(|(r, y)| format!("{}{sep}{}{sep}{}{sep}{y}\n", r[0], r[1], r[2]))
            .collect()
    };
    let svm = |base: usize, label: &dyn Fn(f64) -> f64| -> String {
        rows.iter()
            .zip(&y)
            .map(|(r, y)| {
                let cells: Vec<String> = r
                    .iter()
                    .enumerate()
                    .filter(|(j, v)| **v != 0.0 && (base == 1 || *j != 0 || *y > 0.5))
                    .map(|(j, v)| format!("{}:{v}", j + base))
                    .collect();
                format!("{} {}\n", label(*y), cells.join(" "))
            })
            .collect()
    };
    vec![
        ("x.npy", npy(&[20, 3], &flat)),
        ("y.npy", npy(&[20], &y)),
        ("counts.npy", npy(&[20], &counts)),
        ("big.npy", npy(&[20, 3], &big)),
        ("short.npy", npy(&[5], &y[..5])),
        ("x.csv", format!("a,b,c,y\n{}", csv_rows(",")).into_bytes()),
        (
            "x.tsv",
            format!("a\tb\tc\ty\n{}", csv_rows("\t")).into_bytes(),
        ),
        ("nohead.csv", csv_rows(",").into_bytes()),
        (
            "named.csv",
            format!("id,2020,c,y\n{}", csv_rows(",")).into_bytes(),
        ),
        (
            "typo.csv",
            format!("1,2x,3,0\n{}", csv_rows(",")).into_bytes(),
        ),
        ("nan.csv", b"a,b,c,y\n1,2,3,0\n4,NaN,6,1\n".to_vec()),
        ("empty.csv", Vec::new()),
        (
            "y.csv",
            y.iter()
                .map(|v| format!("{v}\n"))
                .collect::<String>()
                .into_bytes(),
        ),
        ("x.svm", svm(1, &|y| y).into_bytes()),
        ("z.svm", svm(0, &|y| y).into_bytes()),
        ("pm1.svm", svm(1, &|y| 2.0 * y - 1.0).into_bytes()),
        ("wide.svm", b"1 1:1\n0 100000:1\n1 2:0.5\n".to_vec()),
        (
            "m.json",
            include_str!("../fixtures/v1_linear_model.json")
                .as_bytes()
                .to_vec(),
        ),
        (
            "logit.json",
            include_str!("../fixtures/v1_logistic_model.json")
                .as_bytes()
                .to_vec(),
        ),
        (
            "bad.json",
            b"{\"format\": \"duckml-glm\", \"version\": 1}".to_vec(),
        ),
        ("junk.bin", b"\x93NUMPY\x01\x00\xff\xff garbage".to_vec()),
    ]
}

/// The folder and the inputs' bytes.
pub struct Sandbox {
    /// The folder (the process's working directory while runs happen).
    pub dir: PathBuf,
    inputs: Vec<(&'static str, Vec<u8>)>,
}

impl Sandbox {
    /// Makes `dir` (emptied first) and lays the inputs out in it.
    pub fn new(dir: PathBuf) -> io::Result<Sandbox> {
        let s = Sandbox {
            dir,
            inputs: inputs(),
        };
        s.refresh()?;
        Ok(s)
    }

    /// Empties the folder and writes the inputs again.
    pub fn refresh(&self) -> io::Result<()> {
        if self.dir.exists() {
            std::fs::remove_dir_all(&self.dir)?;
        }
        std::fs::create_dir_all(&self.dir)?;
        for (name, bytes) in &self.inputs {
            std::fs::write(self.dir.join(name), bytes)?;
        }
        Ok(())
    }

    /// The input files' names.
    pub fn input_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.inputs.iter().map(|(n, _)| *n)
    }

    /// The original bytes of input `name`.
    pub fn original(&self, name: &str) -> Option<&[u8]> {
        self.inputs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| &b[..])
    }

    /// The path of `name` in the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Temporary files of atomic writes anywhere in the folder (there must be none
    /// after a run that was not killed).
    pub fn leftover_temporaries(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut stack = vec![self.dir.clone()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if e.file_name().to_string_lossy().contains(".duckml-tmp.") {
                    found.push(p);
                }
            }
        }
        found
    }
}
