//! The `.npy` header dictionary, parsed in one pass.
//!
//! A `.npy` header is a Python dict literal such as
//! `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, padded with
//! spaces and ended by a newline. A general Python-literal parser (py_literal,
//! which this replaces) takes time exponential in the nesting of a value, so a
//! 160-byte file with a deeply nested extra key could hang the reader. This
//! parser reads only the grammar numpy writes and numpy's own reader accepts:
//!
//! * exactly the keys `'descr'`, `'fortran_order'` and `'shape'` (numpy rejects
//!   any other key, so this does too, before looking at its value);
//! * `descr` a string (a list is a structured dtype, refused without reading
//!   it), `fortran_order` `True` or `False`, `shape` a tuple of non-negative
//!   integers (an `L` suffix, as Python 2 wrote, is accepted).
//!
//! Every byte is looked at once, there is no recursion (the deepest value, the
//! shape tuple, is one level inside the dict), and the number of dimensions is
//! bounded by the header's length, itself capped at
//! [`MAX_HEADER_LEN`](super::MAX_HEADER_LEN): time and memory are linear in the
//! header's length.

/// The dtype descriptor.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Descr<'a> {
    /// A type string such as `<f8`.
    Simple(&'a str),
    /// A list of fields (a structured dtype).
    Structured,
}

/// The three entries of a `.npy` header.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct HeaderDict<'a> {
    pub descr: Descr<'a>,
    pub fortran_order: bool,
    pub shape: Vec<usize>,
}

/// A cursor over the header bytes; errors say at which byte they arose.
struct Cursor<'a> {
    text: &'a [u8],
    pos: usize,
}

type Parsed<T> = std::result::Result<T, String>;

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn err<T>(&self, what: &str) -> Parsed<T> {
        let found = match self.peek() {
            Some(b) => format!("{:?}", char::from(b)),
            None => "the end of the header".to_string(),
        };
        Err(format!(
            "malformed header: expected {what} at byte {}, found {found}",
            self.pos
        ))
    }

    /// Skips the whitespace Python allows between tokens.
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')) {
            self.pos += 1;
        }
    }

    /// Consumes `b` (after whitespace) or fails naming `what`.
    fn expect(&mut self, b: u8, what: &str) -> Parsed<()> {
        self.skip_ws();
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(what)
        }
    }

    /// Consumes `b` (after whitespace) if it is next.
    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        let hit = self.peek() == Some(b);
        self.pos += usize::from(hit);
        hit
    }

    /// A quoted string without escapes; returns its contents.
    fn string(&mut self, what: &str) -> Parsed<&'a str> {
        self.skip_ws();
        let quote = match self.peek() {
            Some(q @ (b'\'' | b'"')) => q,
            _ => return self.err(what),
        };
        let start = self.pos + 1;
        let len = self.text[start..]
            .iter()
            .position(|&b| b == quote || b == b'\\' || b == b'\n')
            .filter(|&k| self.text[start + k] == quote);
        let Some(len) = len else {
            self.pos = start;
            return self.err(&format!("{what} (a string without escapes or newlines)"));
        };
        self.pos = start + len + 1;
        std::str::from_utf8(&self.text[start..start + len])
            .map_err(|_| format!("malformed header: {what} at byte {start} is not UTF-8"))
    }

    /// A bare word (`True`, `False`, ...).
    fn word(&mut self) -> &'a [u8] {
        self.skip_ws();
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    fn boolean(&mut self) -> Parsed<bool> {
        let at = self.pos;
        match self.word() {
            b"True" => Ok(true),
            b"False" => Ok(false),
            _ => {
                self.pos = at;
                self.skip_ws();
                self.err("'fortran_order' to be True or False")
            }
        }
    }

    /// A non-negative decimal integer, with an optional Python 2 `L` suffix.
    fn dimension(&mut self) -> Parsed<usize> {
        self.skip_ws();
        let start = self.pos;
        let mut value: usize = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(usize::from(d - b'0')))
                .ok_or_else(|| {
                    format!("malformed header: dimension at byte {start} is too large")
                })?;
            self.pos += 1;
        }
        if self.pos == start {
            return self.err("a dimension (a non-negative integer)");
        }
        if matches!(self.peek(), Some(b'L' | b'l')) {
            self.pos += 1;
        }
        Ok(value)
    }

    /// A tuple of dimensions: `()`, `(n,)`, `(n, m)`, `(n, m,)`, ...
    fn shape(&mut self) -> Parsed<Vec<usize>> {
        self.expect(b'(', "'shape' to be a tuple")?;
        let mut dims = Vec::new();
        if self.eat(b')') {
            return Ok(dims);
        }
        loop {
            dims.push(self.dimension()?);
            if self.eat(b')') {
                // `(3)` is the integer 3 in Python, not a tuple: numpy refuses it.
                if dims.len() == 1 {
                    return Err(format!(
                        "malformed header: 'shape' ({}) is not a tuple (a 1-tuple needs a trailing comma)",
                        dims[0]
                    ));
                }
                return Ok(dims);
            }
            self.expect(b',', "',' or ')' in 'shape'")?;
            if self.eat(b')') {
                return Ok(dims);
            }
        }
    }
}

/// Parses the header text (the bytes after the length field).
///
/// Returns a message if the text is not a dict with exactly the three keys, each
/// of the right type.
pub(super) fn parse(text: &[u8]) -> std::result::Result<HeaderDict<'_>, String> {
    let mut c = Cursor { text, pos: 0 };
    let mut descr = None;
    let mut fortran_order = None;
    let mut shape = None;
    c.expect(b'{', "'{' (the header is a Python dict)")?;
    while !c.eat(b'}') {
        let key_at = c.pos;
        let key = c.string("a key string or '}'")?;
        c.expect(b':', "':' after a key")?;
        let duplicate = match key {
            "descr" => {
                c.skip_ws();
                let value = if c.peek() == Some(b'[') {
                    Descr::Structured
                } else {
                    Descr::Simple(c.string("'descr' to be a string")?)
                };
                descr.replace(value).is_some()
            }
            "fortran_order" => fortran_order.replace(c.boolean()?).is_some(),
            "shape" => shape.replace(c.shape()?).is_some(),
            other => {
                return Err(format!(
                    "malformed header: unexpected key {other:?} at byte {key_at} \
                     (a .npy header holds exactly 'descr', 'fortran_order' and 'shape')"
                ))
            }
        };
        if duplicate {
            return Err(format!(
                "malformed header: duplicate key {key:?} at byte {key_at}"
            ));
        }
        // A structured descr is refused once the dict is known to be well formed
        // up to it; its list is not read.
        if descr == Some(Descr::Structured) {
            return Ok(HeaderDict {
                descr: Descr::Structured,
                fortran_order: false,
                shape: Vec::new(),
            });
        }
        if !c.eat(b',') {
            c.expect(b'}', "',' or '}' after a value")?;
            break;
        }
    }
    c.skip_ws();
    if c.pos != text.len() {
        return c.err("only padding after the dict");
    }
    let missing = |k: &str| format!("header has no {k:?} key");
    Ok(HeaderDict {
        descr: descr.ok_or_else(|| missing("descr"))?,
        fortran_order: fortran_order.ok_or_else(|| missing("fortran_order"))?,
        shape: shape.ok_or_else(|| missing("shape"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> HeaderDict<'_> {
        parse(text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn bad(text: &str) -> String {
        match parse(text.as_bytes()) {
            Ok(h) => panic!("{text:?} parsed as {h:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn what_numpy_writes() {
        let h = ok("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n");
        assert_eq!(h.descr, Descr::Simple("<f8"));
        assert!(!h.fortran_order);
        assert_eq!(h.shape, [3, 4]);
        let h = ok("{\"shape\":(7,),\"fortran_order\":True,\"descr\":\">f4\"}");
        assert_eq!(
            (h.descr, h.fortran_order, h.shape),
            (Descr::Simple(">f4"), true, vec![7])
        );
        assert_eq!(
            ok("{'descr': '<f8', 'fortran_order': False, 'shape': ()}").shape,
            []
        );
        assert_eq!(
            ok("{'descr':'<f8','fortran_order':False,'shape':(2L, 3L,),}\n").shape,
            [2, 3]
        );
        assert_eq!(
            ok("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}").descr,
            Descr::Structured
        );
    }

    #[test]
    fn malformed_headers_are_messages() {
        for (text, needle) in [
            ("", "'{'"),
            ("[]", "'{'"),
            ("{'descr': '<f8', 'fortran_order': False}", "no \"shape\""),
            (
                "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}",
                "True or False",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (3)}",
                "1-tuple",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': [3]}",
                "tuple",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,)}",
                "dimension",
            ),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
                "too large",
            ),
            ("{'descr': '<f8', 'descr': '<f8'}", "duplicate"),
            ("{'descr': 8}", "string"),
            ("{'descr': '<f8\\x'}", "without escapes"),
            ("{'descr': '<f8", "without escapes"),
            ("{'descr': '<f8', 'extra': 1}", "unexpected key \"extra\""),
            ("{'descr': '<f8' 'fortran_order': False}", "',' or '}'"),
            (
                "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} x",
                "padding",
            ),
        ] {
            let e = bad(text);
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_at_once() {
        // The campaign's hang: an extra key whose value nests thousands deep.
        let deep = format!(
            "{{'descr': '<f8', 'fortran_order': False, 'x': {}1{}, 'shape': (1,)}}",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(bad(&deep).contains("unexpected key"));
        let deep_shape = format!("{{'shape': {}", "(".repeat(5000));
        assert!(bad(&deep_shape).contains("dimension"));
        let deep_descr = format!("{{'descr': {}", "[".repeat(5000));
        assert_eq!(
            parse(deep_descr.as_bytes()).unwrap().descr,
            Descr::Structured
        );
    }
}
