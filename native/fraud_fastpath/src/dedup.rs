//! streaming/validator/dedup.py's window of forwarded transaction_ids, bounded by an offset span.
//! Same interface and answers (a property test compares the two); no Python object per entry.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use pyo3::prelude::*;

/// A transaction_id as a window keeps it. A lowercase UUID (as producers write them) is held as
/// its 128 bits, so an entry is 32 bytes in the table itself and a lookup follows no pointer; any
/// other id is held as text. The form is a function of the text, so equal ids are equal keys.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Uuid([u64; 2]),
    Text(Box<str>),
}

impl Key {
    pub(crate) fn new(id: &str) -> Self {
        uuid_bits(id.as_bytes()).map_or_else(|| Key::Text(id.into()), Key::Uuid)
    }

    pub(crate) fn text(&self) -> String {
        match self {
            Key::Uuid([high, low]) => {
                let hex = format!("{high:016x}{low:016x}");
                format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
            }
            Key::Text(id) => id.to_string(),
        }
    }
}

/// The 128 bits of a UUID written in lowercase hex with its four dashes, else None.
fn uuid_bits(text: &[u8]) -> Option<[u64; 2]> {
    if text.len() != 36 {
        return None;
    }
    let mut bits: u128 = 0;
    for (i, &c) in text.iter().enumerate() {
        let digit = match (i, c) {
            (8 | 13 | 18 | 23, b'-') => continue,
            (8 | 13 | 18 | 23, _) => return None,
            (_, b'0'..=b'9') => c - b'0',
            (_, b'a'..=b'f') => c - b'a' + 10,
            _ => return None,
        };
        bits = bits << 4 | u128::from(digit);
    }
    Some([(bits >> 64) as u64, bits as u64])
}

/// The window itself, apart from Python: Screened::admit walks it with the GIL released.
///
/// Offsets only grow (a partition's do; a rewound partition gets a new window), so an id is in
/// the window exactly when its offset is at or past the latest horizon. Expired entries are not
/// removed one by one (a second lookup per message) but swept together once the table holds
/// twice the span.
pub(crate) struct WindowState {
    span: i64,
    horizon: i64,
    offset_of: HashMap<Key, i64, ahash::RandomState>,
}

impl WindowState {
    fn new(span: i64) -> Self {
        WindowState { span, horizon: i64::MIN, offset_of: HashMap::default() }
    }

    /// Move the horizon to the span that ends at `offset`; sweep when the table is full of the expired.
    fn expire(&mut self, offset: i64) {
        self.horizon = self.horizon.max(offset.saturating_sub(self.span));
        if self.offset_of.len() as i64 > self.span.max(SWEEP_AT_LEAST).saturating_mul(2) {
            let horizon = self.horizon;
            self.offset_of.retain(|_, seen| *seen >= horizon);
        }
    }

    fn first_seen(&mut self, offset: i64, id: &Key) -> Option<i64> {
        self.expire(offset);
        self.offset_of.get(id).copied().filter(|seen| *seen >= self.horizon)
    }

    /// first_seen, then remember the id at `offset` when it was not seen: one hash of the id.
    pub(crate) fn admit(&mut self, offset: i64, id: &Key) -> Option<i64> {
        self.expire(offset);
        match self.offset_of.entry(id.clone()) {
            Entry::Occupied(entry) if *entry.get() >= self.horizon => Some(*entry.get()),
            Entry::Occupied(mut entry) => {
                entry.insert(offset);
                None
            }
            Entry::Vacant(entry) => {
                entry.insert(offset);
                None
            }
        }
    }

    fn add(&mut self, offset: i64, id: Key) {
        self.offset_of.insert(id, offset);
    }

    fn len(&self) -> usize {
        self.offset_of.values().filter(|seen| **seen >= self.horizon).count()
    }
}

/// A small span still sweeps in batches, not at every message.
const SWEEP_AT_LEAST: i64 = 1024;

#[pyclass(module = "fraud_fastpath")]
pub struct DedupWindow {
    state: WindowState,
}

#[pymethods]
impl DedupWindow {
    #[new]
    fn new(span: i64) -> Self {
        DedupWindow { state: WindowState::new(span) }
    }

    #[getter]
    fn span(&self) -> i64 {
        self.state.span
    }

    /// Offset at which transaction_id was forwarded within the span before `offset`, or None.
    fn first_seen(&mut self, offset: i64, transaction_id: &str) -> Option<i64> {
        self.state.first_seen(offset, &Key::new(transaction_id))
    }

    /// first_seen, then remember the id at `offset` when it was not seen.
    fn admit(&mut self, offset: i64, transaction_id: &str) -> Option<i64> {
        self.state.admit(offset, &Key::new(transaction_id))
    }

    fn add(&mut self, offset: i64, transaction_id: &str) {
        self.state.add(offset, Key::new(transaction_id));
    }

    fn __len__(&self) -> usize {
        self.state.len()
    }
}

impl DedupWindow {
    /// The window's state, leaving an empty one of the same span: lent to a walk without the GIL.
    pub(crate) fn lend(&mut self) -> WindowState {
        let span = self.state.span;
        std::mem::replace(&mut self.state, WindowState::new(span))
    }

    /// The state lent by lend(), back.
    pub(crate) fn restore(&mut self, state: WindowState) {
        self.state = state;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_equal_exactly_when_their_ids_are() {
        let uuid = "0123abcd-4567-4def-89ab-cdef01234567";
        let ids = ["", "a", "é", uuid, "0123ABCD-4567-4DEF-89AB-CDEF01234567", "0123abcd-4567-4def-89ab-cdef0123456",
                   "0123abcd-4567-4def-89ab-cdef012345678", "0123abcd+4567-4def-89ab-cdef01234567",
                   "0123abcdx4567-4def-89ab-cdef0123456", "0123abcd-4567-4def-89ab-cdef0123456g"];
        for (i, a) in ids.iter().enumerate() {
            assert_eq!(Key::new(a).text(), *a);
            for (j, b) in ids.iter().enumerate() {
                assert_eq!(Key::new(a) == Key::new(b), i == j, "{a:?} {b:?}");
            }
        }
        assert!(matches!(Key::new(uuid), Key::Uuid(_)));
        assert!(matches!(Key::new(&uuid.to_uppercase()), Key::Text(_)));
    }

    #[test]
    fn an_id_is_remembered_for_the_span_only() {
        let mut window = WindowState::new(3);
        let id = Key::new("t1");
        assert_eq!(window.admit(10, &id), None);
        assert_eq!(window.admit(12, &id), Some(10));
        assert_eq!(window.admit(13, &id), Some(10));
        assert_eq!(window.admit(14, &id), None); // 10 is before the span [11, 14)
        assert_eq!(window.first_seen(17, &id), Some(14));
        assert_eq!(window.first_seen(18, &id), None);
        assert_eq!(window.len(), 0);
    }

    #[test]
    fn expired_ids_are_swept_in_bulk() {
        let mut window = WindowState::new(10);
        for offset in 0..10_000 {
            assert_eq!(window.admit(offset, &Key::new(&offset.to_string())), None);
        }
        assert!(window.offset_of.len() as i64 <= 2 * SWEEP_AT_LEAST + 1);
        assert_eq!(window.len(), 11); // [9989, 9999), and 9999 itself
        assert_eq!(window.first_seen(10_000, &Key::new("9990")), Some(9990));
        assert_eq!(window.first_seen(10_000, &Key::new("9989")), None);
    }
}
