//! Finding a NaN or an infinity in a value before it is written as JSON.
//!
//! serde_json writes a non-finite float as `null`, which a reader takes for a missing
//! value: an overflowed prediction would read as "no prediction", with exit status 0.
//! [`first_non_finite`] walks the value through serde (the same fields the JSON will
//! have, `#[serde(flatten)]` and tags included) and returns the first non-finite
//! number with its place (`coef[2]`, `rows[3].median_s`). It allocates nothing unless
//! it finds one: the place is built on the way back up.

use serde::ser::{self, Serialize};
use std::fmt;

/// Where a non-finite number sits, and the number.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Path segments, outermost first.
    pub path: Vec<Segment>,
    /// The number.
    pub value: f64,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// A field or map key.
    Key(String),
    /// A position in a sequence.
    Index(usize),
}

impl Found {
    /// The place as `coef[2]`, `rows[3].median_s`, or `[5]` for an element of a
    /// top-level array; `the value` for a top-level number.
    pub fn place(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Segment::Key(k) if s.is_empty() => s.push_str(k),
                Segment::Key(k) => {
                    s.push('.');
                    s.push_str(k);
                }
                Segment::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        if s.is_empty() {
            s.push_str("the value");
        }
        s
    }
}

/// Why the walk stopped: a non-finite number, or the value's own serialisation error.
#[derive(Debug)]
pub enum Stop {
    /// A NaN or an infinity.
    Found(Found),
    /// `Serialize` failed (the JSON writer would fail the same way).
    Custom(String),
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Found(found) => write!(f, "{} is {}", found.place(), found.value),
            Stop::Custom(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Stop::Custom(msg.to_string())
    }
}

impl Stop {
    /// Adds `seg` in front of a found number's path (on the way back up).
    fn under(mut self, seg: impl FnOnce() -> Segment) -> Self {
        if let Stop::Found(f) = &mut self {
            f.path.insert(0, seg());
        }
        self
    }
}

/// The first NaN or infinity in `value`, in the order the JSON writer meets them.
///
/// # Errors
///
/// [`Stop::Found`] with its place, or [`Stop::Custom`] if `value` cannot be serialised.
pub fn first_non_finite<T: Serialize + ?Sized>(value: &T) -> Result<(), Stop> {
    value.serialize(Walker)
}

/// A serde serialiser that only looks at floats.
struct Walker;

fn check(v: f64) -> Result<(), Stop> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(Stop::Found(Found {
            path: Vec::new(),
            value: v,
        }))
    }
}

/// A map key as text (keys of our documents are strings; others print as JSON).
fn key_text<T: Serialize + ?Sized>(key: &T) -> String {
    match serde_json::to_value(key) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => "?".into(),
    }
}

/// Walks the elements of a sequence, tuple or map.
struct Compound {
    index: usize,
    key: Option<String>,
}

impl Compound {
    fn new() -> Self {
        Compound {
            index: 0,
            key: None,
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let i = self.index;
        self.index += 1;
        value
            .serialize(Walker)
            .map_err(|e| e.under(|| Segment::Index(i)))
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Stop> {
        value
            .serialize(Walker)
            .map_err(|e| e.under(|| Segment::Key(key.to_string())))
    }
}

impl ser::Serializer for Walker {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Compound;
    type SerializeTuple = Compound;
    type SerializeTupleStruct = Compound;
    type SerializeTupleVariant = Compound;
    type SerializeMap = Compound;
    type SerializeStruct = Compound;
    type SerializeStructVariant = Compound;

    fn serialize_f32(self, v: f32) -> Result<(), Stop> {
        check(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Stop> {
        check(v)
    }
    fn serialize_bool(self, _: bool) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        Compound::new().field(variant, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound, Stop> {
        Ok(Compound::new())
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound, Stop> {
        Ok(Compound::new())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound, Stop> {
        Ok(Compound::new())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Stop> {
        Ok(Compound::new())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound, Stop> {
        Ok(Compound::new())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound, Stop> {
        Ok(Compound::new())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Stop> {
        Ok(Compound::new())
    }
}

impl ser::SerializeSeq for Compound {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTuple for Compound {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Compound {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Compound {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        self.element(value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeMap for Compound {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        // Floats as keys would be written as strings; only the key's text is needed,
        // and only if its value holds a non-finite number.
        self.key = Some(key_text(key));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = self.key.take().unwrap_or_default();
        self.field(&key, value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeStruct for Compound {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Inner {
        a: f64,
        list: Vec<Option<f64>>,
    }

    #[derive(Serialize)]
    struct Outer {
        name: String,
        #[serde(flatten)]
        inner: Inner,
        rows: Vec<Inner>,
        map: BTreeMap<String, f32>,
        tagged: Tagged,
    }

    #[derive(Serialize)]
    #[serde(tag = "kind", content = "fitted")]
    enum Tagged {
        One(Inner),
    }

    fn outer() -> Outer {
        let inner = || Inner {
            a: 1.0,
            list: vec![Some(2.0), None],
        };
        Outer {
            name: "x".into(),
            inner: inner(),
            rows: vec![inner(), inner()],
            map: BTreeMap::from([("k".to_string(), 1.0f32)]),
            tagged: Tagged::One(inner()),
        }
    }

    fn place(o: &Outer) -> String {
        match first_non_finite(o) {
            Err(Stop::Found(f)) => format!("{} = {}", f.place(), f.value),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn finite_values_pass() {
        assert!(first_non_finite(&outer()).is_ok());
        assert!(first_non_finite(&vec![1.0, 2.0]).is_ok());
    }

    #[test]
    fn each_place_is_named_as_the_json_has_it() {
        let mut o = outer();
        o.inner.list[1] = Some(f64::NAN);
        assert_eq!(place(&o), "list[1] = NaN");
        let mut o = outer();
        o.rows[1].a = f64::INFINITY;
        assert_eq!(place(&o), "rows[1].a = inf");
        let mut o = outer();
        o.map.insert("k".into(), f32::NEG_INFINITY);
        assert_eq!(place(&o), "map.k = -inf");
        let mut o = outer();
        let Tagged::One(t) = &mut o.tagged;
        t.a = f64::NAN;
        assert_eq!(place(&o), "tagged.fitted.a = NaN");
        match first_non_finite(&vec![0.0, 1.0, f64::INFINITY]) {
            Err(Stop::Found(f)) => assert_eq!(f.place(), "[2]"),
            other => panic!("{other:?}"),
        }
        match first_non_finite(&f64::NAN) {
            Err(Stop::Found(f)) => assert_eq!(f.place(), "the value"),
            other => panic!("{other:?}"),
        }
    }
}
