//! One JSON object of scalars, parsed straight into a slot per contract field.
//!
//! Anything the fast path does not need to understand (an unknown or repeated key, a nested
//! array or object, a number out of f64 range, a lone surrogate) stops the parse: the message
//! then goes to the Python reference, which reports it properly.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use crate::fields::FastMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
}

impl Value<'_> {
    /// A JSON number as a float, as msgspec reads a number into a `float` field.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Int(i) => Some(i as f64),
            Value::UInt(u) => Some(u as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON scalar")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Value::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Value::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Value::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Value::Str(Cow::Owned(v)))
    }
    // visit_seq and visit_map keep their default: an error, which ends the parse.
}

/// The field names in slot order and by name.
pub struct Keys {
    pub names: Vec<String>,
    pub index: FastMap<String, usize>,
}

/// A key, resolved to its field's slot; an unknown key is an error. Producers write the fields in
/// one order, so the slot after the previous key is tried before the hash lookup.
struct KeySeed<'i> {
    keys: &'i Keys,
    expected: usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a contract field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        if self.keys.names.get(self.expected).is_some_and(|name| name == v) {
            return Ok(self.expected);
        }
        self.keys.index.get(v).copied().ok_or_else(|| E::custom("unknown field"))
    }
}

struct ObjectSeed<'i> {
    keys: &'i Keys,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Vec<Option<Value<'de>>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = Vec<Option<Value<'de>>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut slots: Vec<Option<Value<'de>>> = vec![None; self.keys.names.len()];
        let mut expected = 0;
        while let Some(slot) = map.next_key_seed(KeySeed { keys: self.keys, expected })? {
            expected = slot + 1;
            let value = map.next_value_seed(ValueSeed)?;
            if slots[slot].is_some() {
                return Err(de::Error::custom("repeated field"));
            }
            slots[slot] = Some(value);
        }
        Ok(slots)
    }
}

/// The payload's fields by slot (None: absent), or None when it is not a flat JSON object of
/// known, distinct keys followed only by whitespace.
pub fn parse<'a>(payload: &'a [u8], keys: &Keys) -> Option<Vec<Option<Value<'a>>>> {
    let mut deserializer = serde_json::Deserializer::from_slice(payload);
    let fields = ObjectSeed { keys }.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        let names = vec!["a".to_string(), "b".to_string()];
        Keys { index: names.iter().cloned().zip(0..).collect(), names }
    }

    #[test]
    fn reads_known_scalars() {
        let fields = parse(br#" {"a": "x\"y", "b": -1.5} "#, &keys()).unwrap();
        assert_eq!(parse(br#"{"b": 2, "a": 1}"#, &keys()).unwrap(), vec![Some(Value::UInt(1)), Some(Value::UInt(2))]);
        assert_eq!(fields[0], Some(Value::Str(Cow::Owned("x\"y".into()))));
        assert_eq!(fields[1], Some(Value::Float(-1.5)));
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        for bad in [&br#"{"a": 1, "c": 2}"#[..], br#"{"a": 1, "a": 2}"#, br#"{"a": [1]}"#, br#"{"a": {}}"#,
                    br#"[1]"#, br#"{"a": 1} x"#, br#"{"a": 1e999}"#, br#"{"a": "\ud800"}"#, b"{\"a\": \"\xff\"}"] {
            assert!(parse(bad, &keys()).is_none(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn leaves_absent_fields_empty() {
        assert_eq!(parse(br#"{"b": null}"#, &keys()).unwrap(), vec![None, Some(Value::Null)]);
    }
}
