//! The NumPy `.npy` header: read in linear time, checked before anything is
//! allocated or mapped, and written for the streaming writers.
//!
//! This is the one `.npy` header reader of the workspace: the memory-mapped arrays
//! (`crate::mmap`) use it to validate a file before mapping it, and the datasets
//! crate's loaders (which sit above this crate) use it before reading the data.
//! It knows the container only; what a caller accepts (which dtypes, how many
//! dimensions, whether the file's length matches) is the caller's decision.
//!
//! ```
//! use duckml_arrays::npy::{encode_header, read_header, ByteOrder, Scalar};
//!
//! let bytes = encode_header("<f8", false, &[3, 4], 0);
//! assert_eq!(bytes.len() % 64, 0); // the data start aligned, as numpy writes them
//! let h = read_header(&mut &bytes[..]).unwrap();
//! assert_eq!(h.shape, [3, 4]);
//! assert_eq!(h.scalar(), Some((Scalar::F64, ByteOrder::Little)));
//! assert_eq!(h.data_offset, bytes.len() as u64);
//! ```

mod dict;

use std::io::{ErrorKind, Read};

/// The magic string every `.npy` file starts with.
pub const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// Longest `.npy` header in bytes, numpy's own default limit (`max_header_size`
/// of `numpy.load`): a numeric array's header is under 200.
pub const MAX_HEADER_LEN: usize = 10_000;

/// The element types duckml reads from `.npy` files: floats for data, signed
/// integers for sparse indices (scipy writes `int32`, or `int64` for large arrays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `float64` (`f8`).
    F64,
    /// `float32` (`f4`).
    F32,
    /// `int64` (`i8`).
    I64,
    /// `int32` (`i4`).
    I32,
}

impl Scalar {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Scalar::F64 | Scalar::I64 => 8,
            Scalar::F32 | Scalar::I32 => 4,
        }
    }

    /// NumPy's name (`float64`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Scalar::F64 => "float64",
            Scalar::F32 => "float32",
            Scalar::I64 => "int64",
            Scalar::I32 => "int32",
        }
    }

    /// The little-endian type string numpy writes (`<f8`, ...).
    pub fn descr(self) -> &'static str {
        match self {
            Scalar::F64 => "<f8",
            Scalar::F32 => "<f4",
            Scalar::I64 => "<i8",
            Scalar::I32 => "<i4",
        }
    }
}

/// The byte order of a file's elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// `<`, and `=` on a little-endian machine.
    Little,
    /// `>`, and `=` on a big-endian machine.
    Big,
}

impl ByteOrder {
    /// This machine's byte order.
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "big") {
        ByteOrder::Big
    } else {
        ByteOrder::Little
    };
}

/// The header's dtype descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Descr {
    /// A type string such as `<f8`.
    Simple(String),
    /// A list of fields (a structured dtype); its contents are not read.
    Structured,
}

/// A parsed `.npy` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpyHeader {
    /// The dtype descriptor.
    pub descr: Descr,
    /// Whether the data are stored column-major.
    pub fortran_order: bool,
    /// The array's shape.
    pub shape: Vec<usize>,
    /// Bytes before the data: magic, version, length field and header text.
    pub data_offset: u64,
}

impl NpyHeader {
    /// The element type and byte order, when the dtype is one of [`Scalar`]'s.
    pub fn scalar(&self) -> Option<(Scalar, ByteOrder)> {
        match &self.descr {
            Descr::Simple(s) => parse_descr(s),
            Descr::Structured => None,
        }
    }

    /// The dtype for messages: `"<i8" (int64)`, `structured`.
    pub fn dtype_name(&self) -> String {
        match &self.descr {
            Descr::Simple(s) => describe_dtype(s),
            Descr::Structured => "structured".to_string(),
        }
    }

    /// Elements the shape holds, `None` if the product overflows.
    pub fn element_count(&self) -> Option<usize> {
        self.shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
    }

    /// Bytes of data the shape claims for elements of `itemsize` bytes, `None` if
    /// that overflows.
    pub fn data_bytes(&self, itemsize: usize) -> Option<u64> {
        self.element_count()?
            .checked_mul(itemsize)
            .and_then(|b| u64::try_from(b).ok())
    }
}

/// Why a header could not be read.
#[derive(Debug)]
pub enum HeaderError {
    /// The source ended inside the named part (`magic string`, `format version`,
    /// `header length`, `header`).
    Truncated(&'static str),
    /// The source failed.
    Io(std::io::Error),
    /// Not a `.npy` header, or one this reader refuses; the message says why (and at
    /// which byte, for a malformed dict).
    Invalid(String),
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::Truncated(what) => {
                write!(f, "file is truncated (ended inside the {what})")
            }
            HeaderError::Io(e) => write!(f, "{e}"),
            HeaderError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for HeaderError {}

fn read_exact_or(
    reader: &mut impl Read,
    buf: &mut [u8],
    what: &'static str,
) -> Result<(), HeaderError> {
    reader.read_exact(buf).map_err(|e| {
        if e.kind() == ErrorKind::UnexpectedEof {
            HeaderError::Truncated(what)
        } else {
            HeaderError::Io(e)
        }
    })
}

/// Reads the magic string, version, length field and header dict from the start of
/// `reader`, leaving it at the first data byte. At most [`MAX_HEADER_LEN`] bytes of
/// header are read; the dict parser is linear in them (see `dict.rs`).
///
/// # Errors
///
/// [`HeaderError::Truncated`] if the source ends early, [`HeaderError::Io`] if it
/// fails, [`HeaderError::Invalid`] for a missing magic string, an unknown format
/// version, an over-long or malformed header.
pub fn read_header(reader: &mut impl Read) -> Result<NpyHeader, HeaderError> {
    let mut magic = [0u8; 6];
    read_exact_or(reader, &mut magic, "magic string")?;
    if &magic != MAGIC {
        return Err(HeaderError::Invalid(
            "not a .npy file (missing the \\x93NUMPY magic string)".into(),
        ));
    }
    let mut version = [0u8; 2];
    read_exact_or(reader, &mut version, "format version")?;
    let (header_len, prefix) = match version[0] {
        1 => {
            let mut b = [0u8; 2];
            read_exact_or(reader, &mut b, "header length")?;
            (usize::from(u16::from_le_bytes(b)), 10u64)
        }
        2 | 3 => {
            let mut b = [0u8; 4];
            read_exact_or(reader, &mut b, "header length")?;
            (u32::from_le_bytes(b) as usize, 12u64)
        }
        v => {
            return Err(HeaderError::Invalid(format!(
                "unsupported .npy format version {v}.{}",
                version[1]
            )))
        }
    };
    if header_len > MAX_HEADER_LEN {
        return Err(HeaderError::Invalid(format!(
            "header length {header_len} is over the limit of {MAX_HEADER_LEN} bytes \
             (numpy's own; a float array's header is under 200)"
        )));
    }
    let mut raw = vec![0u8; header_len];
    read_exact_or(reader, &mut raw, "header")?;
    let parsed = dict::parse(&raw).map_err(HeaderError::Invalid)?;
    Ok(NpyHeader {
        descr: match parsed.descr {
            dict::Descr::Simple(s) => Descr::Simple(s.to_string()),
            dict::Descr::Structured => Descr::Structured,
        },
        fortran_order: parsed.fortran_order,
        shape: parsed.shape,
        data_offset: prefix + header_len as u64,
    })
}

/// The element type and byte order of a type string, when it is one of
/// [`Scalar`]'s: `<f8`, `>f4`, `=i8`, `i4` (no prefix: native).
pub fn parse_descr(descr: &str) -> Option<(Scalar, ByteOrder)> {
    let (order, body) = match descr.chars().next() {
        Some(c @ ('<' | '>' | '=' | '|')) => (c, &descr[1..]),
        _ => ('=', descr),
    };
    let scalar = match body {
        "f8" => Scalar::F64,
        "f4" => Scalar::F32,
        "i8" => Scalar::I64,
        "i4" => Scalar::I32,
        _ => return None,
    };
    let order = match order {
        '<' => ByteOrder::Little,
        '>' => ByteOrder::Big,
        '=' => ByteOrder::NATIVE,
        // '|' is "not applicable", numpy's mark for one-byte types.
        _ => return None,
    };
    Some((scalar, order))
}

/// Human name of a NumPy type descriptor such as `<i8`, for error messages:
/// `"<i8" (int64)`.
pub fn describe_dtype(descr: &str) -> String {
    let body = descr.trim_start_matches(['<', '>', '=', '|']);
    let mut chars = body.chars();
    let kind = chars.next();
    // In bits; a size from a hostile header may be too large to multiply.
    let size: Option<usize> = chars.as_str().parse::<usize>().ok();
    let size = size.and_then(|s| s.checked_mul(8));
    let name = match (kind, size) {
        (Some('f'), Some(bits)) => format!("float{bits}"),
        (Some('i'), Some(bits)) => format!("int{bits}"),
        (Some('u'), Some(bits)) => format!("uint{bits}"),
        (Some('c'), Some(bits)) => format!("complex{bits}"),
        (Some('b'), _) => "bool".to_string(),
        (Some('U'), _) => "unicode string".to_string(),
        (Some('S'), _) | (Some('a'), _) => "byte string".to_string(),
        (Some('O'), _) => "Python object".to_string(),
        (Some('M'), _) => "datetime".to_string(),
        (Some('m'), _) => "timedelta".to_string(),
        _ => "unknown".to_string(),
    };
    format!("{descr:?} ({name})")
}

/// A shape as Python prints it: `(3, 4)`.
pub fn shape_str(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    }
}

/// A version 1.0 header (magic string to the newline before the data) for `descr`,
/// padded with spaces so the data start at a multiple of 64 bytes, as numpy writes
/// it, and so the whole is at least `min_len` bytes long.
///
/// A streaming writer that learns the shape only at the end writes a header with
/// the largest shape it may need first, then this function's header for the real
/// shape with `min_len` set to the first one's length, over it: both have the same
/// length, so the data do not move.
pub fn encode_header(descr: &str, fortran_order: bool, shape: &[usize], min_len: usize) -> Vec<u8> {
    let order = if fortran_order { "True" } else { "False" };
    let mut text = format!(
        "{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {}, }}",
        shape_str(shape)
    );
    // magic (6) + version (2) + length (2) + text + '\n'
    let unpadded = 10 + text.len() + 1;
    let total = unpadded.max(min_len).div_ceil(64) * 64;
    text.push_str(&" ".repeat(total - unpadded));
    text.push('\n');
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(text.len() as u16).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_at_aligned_lengths() {
        for (descr, fortran, shape) in [
            ("<f8", false, vec![3usize, 4]),
            ("<f4", true, vec![0, 7]),
            ("<i8", false, vec![5]),
            ("<i4", false, vec![usize::MAX, usize::MAX]),
        ] {
            let bytes = encode_header(descr, fortran, &shape, 0);
            assert_eq!(bytes.len() % 64, 0);
            let h = read_header(&mut &bytes[..]).unwrap();
            assert_eq!(h.descr, Descr::Simple(descr.into()));
            assert_eq!((h.fortran_order, &h.shape), (fortran, &shape));
            assert_eq!(h.data_offset, bytes.len() as u64);
        }
        // A reserved length holds any later shape.
        let big = encode_header("<f8", false, &[usize::MAX, usize::MAX], 0);
        let small = encode_header("<f8", false, &[2, 3], big.len());
        assert_eq!(small.len(), big.len());
    }

    #[test]
    fn descriptors() {
        assert_eq!(parse_descr("<f8"), Some((Scalar::F64, ByteOrder::Little)));
        assert_eq!(parse_descr(">i4"), Some((Scalar::I32, ByteOrder::Big)));
        assert_eq!(parse_descr("f4"), Some((Scalar::F32, ByteOrder::NATIVE)));
        assert_eq!(parse_descr("|f8"), None);
        assert_eq!(parse_descr("<u8"), None);
        assert_eq!(describe_dtype("<u8"), "\"<u8\" (uint64)");
        assert_eq!(shape_str(&[3]), "(3,)");
        assert_eq!(shape_str(&[3, 4]), "(3, 4)");
    }

    #[test]
    fn bad_prefixes_are_typed() {
        let full = encode_header("<f8", false, &[1], 0);
        for (cut, what) in [
            (3, "magic string"),
            (7, "format version"),
            (9, "header length"),
        ] {
            match read_header(&mut &full[..cut]) {
                Err(HeaderError::Truncated(w)) => assert_eq!(w, what),
                other => panic!("{cut}: {other:?}"),
            }
        }
        assert!(matches!(
            read_header(&mut &full[..20]),
            Err(HeaderError::Truncated("header"))
        ));
        assert!(matches!(
            read_header(&mut &b"PK\x03\x04 not npy"[..]),
            Err(HeaderError::Invalid(m)) if m.contains("magic")
        ));
    }
}
