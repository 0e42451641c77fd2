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
    /// No name holds a quote, backslash or control character: the scanner compares keys in place.
    plain: bool,
}

impl Keys {
    pub fn new(names: Vec<String>) -> Self {
        let index = names.iter().cloned().zip(0..).collect();
        let plain = names.iter().all(|name| !name.bytes().any(|b| STOPS_A_STRING[usize::from(b)]));
        Keys { names, index, plain }
    }
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
    match Scanner::new(payload, keys).object() {
        Scanned::Fields(fields) => Some(fields),
        Scanned::Refused => None,
        Scanned::Unusual => parse_with_serde(payload, keys),
    }
}

fn parse_with_serde<'a>(payload: &'a [u8], keys: &Keys) -> Option<Vec<Option<Value<'a>>>> {
    let mut deserializer = serde_json::Deserializer::from_slice(payload);
    let fields = ObjectSeed { keys }.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(fields)
}

/// The bytes that end a string's plain run: its closing quote, an escape, a control character.
const STOPS_A_STRING: [bool; 256] = {
    let mut stops = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        stops[byte] = true;
        byte += 1;
    }
    stops[b'"' as usize] = true;
    stops[b'\\' as usize] = true;
    stops
};

/// What the scanner made of a payload.
enum Scanned<'a> {
    Fields(Vec<Option<Value<'a>>>),
    /// Not a flat object of known, distinct keys: serde_json would refuse it too.
    Refused,
    /// A form the scanner leaves to serde_json: an escape, a number it does not read itself.
    Unusual,
}

/// The common case, read in one pass: a flat object whose strings have no escape. The payload is
/// checked as UTF-8 once and each string's end found with memchr, where serde_json checks every
/// string and byte on its own. It reads exactly what serde_json reads or hands the payload over.
struct Scanner<'a, 'k> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
    keys: &'k Keys,
}

macro_rules! expect {
    ($scanned:expr) => {
        match $scanned {
            Ok(value) => value,
            Err(outcome) => return outcome,
        }
    };
}

impl<'a, 'k> Scanner<'a, 'k> {
    fn new(bytes: &'a [u8], keys: &'k Keys) -> Self {
        Scanner { bytes, text: "", at: 0, keys }
    }

    fn object(mut self) -> Scanned<'a> {
        // Invalid UTF-8 anywhere: serde_json refuses it inside a string and outside one alike.
        let Ok(text) = std::str::from_utf8(self.bytes) else { return Scanned::Refused };
        self.text = text;
        let mut slots: Vec<Option<Value<'a>>> = vec![None; self.keys.names.len()];
        self.skip_whitespace();
        if !self.eat(b'{') {
            return Scanned::Refused;
        }
        self.skip_whitespace();
        let mut expected = 0;
        if !self.eat(b'}') {
            loop {
                self.skip_whitespace();
                if self.peek() != Some(b'"') {
                    return Scanned::Refused;
                }
                let slot = match self.expected_key(expected) {
                    Some(slot) => slot,
                    None => match self.keys.index.get(expect!(self.string())) {
                        Some(&slot) => slot,
                        None => return Scanned::Refused,
                    },
                };
                self.skip_whitespace();
                if !self.eat(b':') {
                    return Scanned::Refused;
                }
                self.skip_whitespace();
                let value = expect!(self.value());
                if slots[slot].is_some() {
                    return Scanned::Refused;
                }
                slots[slot] = Some(value);
                expected = slot + 1;
                self.skip_whitespace();
                if self.eat(b',') {
                    continue;
                }
                if self.eat(b'}') {
                    break;
                }
                return Scanned::Refused;
            }
        }
        self.skip_whitespace();
        if self.at != self.bytes.len() {
            return Scanned::Refused;
        }
        Scanned::Fields(slots)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let matched = self.peek() == Some(byte);
        self.at += usize::from(matched);
        matched
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            self.at += 1;
        }
    }

    /// The slot after the previous key, when the next key is its name (producers write the fields
    /// in one order): compared in place, without scanning for the key's end first.
    fn expected_key(&mut self, expected: usize) -> Option<usize> {
        if !self.keys.plain {
            return None;
        }
        let name = self.keys.names.get(expected)?.as_bytes();
        let start = self.at + 1;
        let end = start + name.len();
        // A name is plain text (no quote, backslash or control character), so a match is the key.
        if self.bytes.get(start..end)? == name && self.bytes.get(end) == Some(&b'"') {
            self.at = end + 1;
            return Some(expected);
        }
        None
    }

    /// A string without escapes, the opening quote next; an escape is left to serde_json.
    fn string(&mut self) -> Result<&'a str, Scanned<'a>> {
        let start = self.at + 1;
        // Strings are short: a byte loop finds the end sooner than a vectorised search sets up.
        let Some(length) = self.bytes[start..].iter().position(|&b| STOPS_A_STRING[usize::from(b)]) else {
            return Err(Scanned::Refused);
        };
        let end = start + length;
        match self.bytes[end] {
            b'"' => {}
            b'\\' => return Err(Scanned::Unusual),
            _ => return Err(Scanned::Refused), // a control character must be escaped
        }
        self.at = end + 1;
        // Quotes are ASCII, so both ends are on character boundaries of the checked text.
        Ok(&self.text[start..end])
    }

    fn value(&mut self) -> Result<Value<'a>, Scanned<'a>> {
        match self.peek() {
            Some(b'"') => self.string().map(|s| Value::Str(Cow::Borrowed(s))),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(Scanned::Refused), // an array, an object, or no value at all
        }
    }

    fn literal(&mut self, word: &[u8], value: Value<'a>) -> Result<Value<'a>, Scanned<'a>> {
        if !self.bytes[self.at..].starts_with(word) {
            return Err(Scanned::Refused);
        }
        self.at += word.len();
        Ok(value)
    }

    /// A number in JSON's grammar. Integers that fit in i64 (negative) or u64, and decimals that
    /// are finite f64s, read as serde_json reads them (floats correctly rounded, as with its
    /// float_roundtrip); -0, larger integers and anything else go to serde_json itself.
    fn number(&mut self) -> Result<Value<'a>, Scanned<'a>> {
        let start = self.at;
        let negative = self.eat(b'-');
        let digits = self.digits();
        if digits == 0 || (digits > 1 && self.bytes[self.at - digits] == b'0') {
            return Err(Scanned::Unusual); // no digits, or a leading zero: serde_json's error to give
        }
        let integral = self.at;
        let mut decimal = false;
        if self.eat(b'.') {
            decimal = true;
            if self.digits() == 0 {
                return Err(Scanned::Unusual);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            decimal = true;
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(Scanned::Unusual);
            }
        }
        let token = &self.text[start..self.at];
        if decimal {
            return match token.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Value::Float(v)),
                _ => Err(Scanned::Unusual),
            };
        }
        let magnitude: u64 = self.text[start + usize::from(negative)..integral].parse().map_err(|_| Scanned::Unusual)?;
        if !negative {
            return Ok(Value::UInt(magnitude));
        }
        match i64::try_from(magnitude) {
            Ok(m) if m > 0 => Ok(Value::Int(-m)),
            _ => Err(Scanned::Unusual),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(vec!["a".to_string(), "b".to_string()])
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
    fn the_scanner_reads_what_serde_json_reads() {
        let numbers = ["0", "-0", "7", "-7", "0.5", "-0.0", "1e5", "1E+5", "-1.5e-3", "4.35", "49999.99",
                       "18446744073709551615", "18446744073709551616", "-9223372036854775808",
                       "-9223372036854775809", "1e400", "-1e400", "1e-400", "00", "01", "-01", "-", "1.", ".5", "+1",
                       "1e", "1e+", "2.2250738585072011e-308", "9007199254740993", "0.30000000000000004"];
        let strings = [r#""x""#, r#""""#, r#""é ☃ 😀""#, r#""a\"b""#, r#""\u00e9""#, "\"tab\there\"", "\"nl\nx\"",
                       "\"\u{7f}\"", r#""x"#];
        let others = ["null", "true", "false", "nul", "truex", "[1]", "{}", "", "tru"];
        let mut payloads: Vec<String> = Vec::new();
        for value in numbers.iter().chain(&strings).chain(&others) {
            payloads.push(format!(r#"{{"a": {value}, "b": 1}}"#));
            payloads.push(format!(r#"{{"b":{value}}}"#));
        }
        for whole in [r#"{}"#, r#" { } "#, "\t{\"a\"\r\n:1}\n", r#"{"a":1,}"#, r#"{,"a":1}"#, r#"{"a" 1}"#,
                      r#"{"a":1 "b":2}"#, r#"{"a":1}}"#, r#"{"a":1} {"#, r#"{"a":1,"a":1}"#, r#"{"c":1}"#,
                      r#"{"\u0061":1}"#, r#"{"a":1"#, r#"{"a""#, r#"{"#, r#"["a"]"#, r#""a""#, r#"{"b":2,"a":"x"}"#] {
            payloads.push(whole.to_string());
        }
        for payload in &payloads {
            let bytes = payload.as_bytes();
            assert_eq!(format!("{:?}", parse(bytes, &keys())), format!("{:?}", parse_with_serde(bytes, &keys())),
                       "{payload}");
        }
        // The usual forms are the scanner's own, not handed over.
        for usual in [&br#"{"a": "x", "b": -1.5}"#[..], br#"{"b":1,"a":null}"#, br#"{"a": true, "b": 1e5}"#] {
            assert!(matches!(Scanner::new(usual, &keys()).object(), Scanned::Fields(_)));
        }
        for bad in [&b"{\"a\": \"\xff\"}"[..], b"{\"a\": 1}\xff", b"\xef\xbb\xbf{}", b"{\"a\": \"\x01\"}"] {
            assert_eq!(format!("{:?}", parse(bad, &keys())), format!("{:?}", parse_with_serde(bad, &keys())));
        }
    }

    #[test]
    fn leaves_absent_fields_empty() {
        assert_eq!(parse(br#"{"b": null}"#, &keys()).unwrap(), vec![None, Some(Value::Null)]);
    }
}
