//! streaming/validator/dedup.py's window of forwarded transaction_ids, bounded by an offset span.
//! Same interface and answers (a property test compares the two); no Python object per entry.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use pyo3::prelude::*;

#[pyclass(module = "fraud_fastpath")]
pub struct DedupWindow {
    #[pyo3(get)]
    span: i64,
    order: VecDeque<(i64, Arc<str>)>,
    offset_of: HashMap<Arc<str>, i64, ahash::RandomState>,
}

#[pymethods]
impl DedupWindow {
    #[new]
    fn new(span: i64) -> Self {
        DedupWindow { span, order: VecDeque::new(), offset_of: HashMap::default() }
    }

    /// Offset at which transaction_id was forwarded within the span before `offset`, or None.
    fn first_seen(&mut self, offset: i64, transaction_id: &str) -> Option<i64> {
        let horizon = offset - self.span;
        while let Some((old_offset, _)) = self.order.front() {
            if *old_offset >= horizon {
                break;
            }
            let (old_offset, old_id) = self.order.pop_front().expect("front exists");
            if self.offset_of.get(&old_id) == Some(&old_offset) {
                self.offset_of.remove(&old_id);
            }
        }
        self.offset_of.get(transaction_id).copied()
    }

    /// first_seen, then remember the id at `offset` when it was not seen.
    fn admit(&mut self, offset: i64, transaction_id: &str) -> Option<i64> {
        self.admit_with(offset, transaction_id, || Arc::from(transaction_id))
    }

    fn add(&mut self, offset: i64, transaction_id: &str) {
        self.remember(offset, Arc::from(transaction_id));
    }

    fn __len__(&self) -> usize {
        self.offset_of.len()
    }
}

impl DedupWindow {
    /// admit() for an id the caller already holds shared: no copy of it is made.
    pub(crate) fn admit_shared(&mut self, offset: i64, transaction_id: &Arc<str>) -> Option<i64> {
        self.admit_with(offset, transaction_id, || Arc::clone(transaction_id))
    }

    /// first_seen, then remember the id (made by `shared`, only when needed) if it was not seen.
    fn admit_with(&mut self, offset: i64, transaction_id: &str, shared: impl FnOnce() -> Arc<str>) -> Option<i64> {
        let seen = self.first_seen(offset, transaction_id);
        if seen.is_none() {
            self.remember(offset, shared());
        }
        seen
    }

    fn remember(&mut self, offset: i64, id: Arc<str>) {
        self.order.push_back((offset, Arc::clone(&id)));
        self.offset_of.insert(id, offset);
    }
}
