//! The accept-only screen: a message's transaction_id when it certainly satisfies the contract.

use std::borrow::Cow;
use std::collections::HashMap;

use pyo3::exceptions::{PyIndexError, PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::dedup::{DedupWindow, Key, WindowState};
use crate::messages::{message_fields, MessageFields};
use crate::fields::{FastMap, FieldSpec, Kind, LabelledBy, NullWhen, Scalar};
use crate::json_object::{self, Keys, Value};
use crate::{amount, ip, timestamp};

const UUID_LENGTH: usize = 36;

/// (name, kind, required, nullable, str_values, int_values, min_length, max_length, minimum, maximum)
type FieldTuple = (String, String, bool, bool, Option<Vec<String>>, Option<Vec<i64>>, Option<usize>, Option<usize>,
                   Option<f64>, Option<f64>);

#[pyclass(module = "fraud_fastpath", frozen)]
pub struct Screen {
    fields: Vec<FieldSpec>,
    keys: Keys,
    null_when: Vec<NullWhen>,
    labelled_by: Vec<LabelledBy>,
    id_slot: usize,
    max_cents: i64,
}

#[pymethods]
impl Screen {
    /// Built by streaming/validator/fastpath.py from fraud_platform.contract's FIELDS, NULL_WHEN
    /// and LABELLED_BY; cross-field values are strings or booleans.
    #[new]
    fn new(fields: Vec<FieldTuple>, null_when: Vec<(String, String, Vec<Bound<'_, PyAny>>)>,
           labelled_by: Vec<(String, String, HashMap<String, String>)>, id_field: String, max_cents: i64)
           -> PyResult<Self> {
        let mut specs = Vec::with_capacity(fields.len());
        for (name, kind, required, nullable, str_values, int_values, min_length, max_length, minimum, maximum) in fields {
            let kind = Kind::parse(&kind).ok_or_else(|| PyValueError::new_err(format!("unknown kind {kind:?}")))?;
            let str_values = str_values.map(|values| values.into_iter().collect());
            specs.push(FieldSpec { name, kind, required, nullable, str_values, int_values, min_length, max_length,
                                   minimum, maximum });
        }
        let names: Vec<String> = specs.iter().map(|f| f.name.clone()).collect();
        let index: FastMap<String, usize> = names.iter().cloned().zip(0..).collect();
        let slot = |name: &str| {
            index.get(name).copied().ok_or_else(|| PyValueError::new_err(format!("no field {name:?}")))
        };
        let mut rules = Vec::new();
        for (field, when, values) in null_when {
            let values = values.iter().map(scalar).collect::<PyResult<Vec<_>>>()?;
            rules.push(NullWhen { field: slot(&field)?, when: slot(&when)?, values });
        }
        let mut labels = Vec::new();
        for (field, code, map) in labelled_by {
            labels.push(LabelledBy { field: slot(&field)?, code: slot(&code)?, labels: map.into_iter().collect() });
        }
        let id_slot = slot(&id_field)?;
        Ok(Screen { fields: specs, keys: Keys::new(names), null_when: rules, labelled_by: labels, id_slot, max_cents })
    }

    /// The transaction_id of a payload that certainly passes every rule at `latest_micros` (the
    /// latest accepted event time, microseconds since the epoch), else None: "ask the reference".
    fn accept<'py>(&self, py: Python<'py>, payload: &[u8], latest_micros: i64) -> Option<Bound<'py, PyString>> {
        self.accepted_id(payload, latest_micros).map(|id| PyString::new(py, &id))
    }

    /// accept(), and for a payload it does not accept the slots (FIELDS order) of the fields it
    /// cannot vouch for: the reference need only check those (plus the cross-field rules) to name
    /// what is wrong. None when the payload is not a flat object of known, distinct keys.
    fn examine<'py>(&self, py: Python<'py>, payload: &[u8], latest_micros: i64) -> Option<Bound<'py, PyAny>> {
        let values = json_object::parse(payload, &self.keys)?;
        let suspects: Vec<usize> = self.fields.iter().zip(&values).enumerate()
            .filter(|(_, (spec, value))| !self.field_ok(spec, value.as_ref(), latest_micros))
            .map(|(slot, _)| slot)
            .collect();
        if suspects.is_empty() {
            if let Some(id) = self.accepted_values(values) {
                return Some(PyString::new(py, &id).into_any());
            }
        }
        PyList::new(py, suspects).ok().map(Bound::into_any)
    }

    /// A batch's screen answers, computed with the GIL released: the parse and every rule run
    /// while other threads (the committer producing the previous batch) go on. Messages over
    /// `max_bytes` and tombstones get no answer (the reference decides them).
    fn screen(&self, records: &Bound<'_, PyList>, latest_micros: i64, max_bytes: usize) -> PyResult<Screened> {
        let py = records.py();
        let MessageFields { values, partitions, offsets } = message_fields(records)?;
        let payloads: Vec<Option<&[u8]>> =
            values.iter().map(|v| v.as_ref().map(|b| b.as_bytes()).filter(|p| p.len() <= max_bytes)).collect();
        let ids = py.detach(|| {
            payloads.iter()
                .map(|payload| payload.and_then(|p| self.accepted_id(p, latest_micros)).map(|id| Key::new(&id)))
                .collect()
        });
        Ok(Screened { records: records.clone().unbind(), ids, partitions, offsets })
    }
}

/// One batch's screen answers (Screen.screen). The reference decides the messages the screen
/// did not accept (`undecided`, `set_valid`); `admit` then walks the batch in order through the
/// dedup windows with the GIL released.
#[pyclass(module = "fraud_fastpath")]
pub struct Screened {
    records: Py<PyList>,
    ids: Vec<Option<Key>>, // a valid message's transaction_id; None: rejected, or not yet decided
    partitions: Vec<i32>,
    offsets: Vec<i64>,
}

#[pymethods]
impl Screened {
    /// The indices of the messages the screen did not accept, in batch order: the reference
    /// decides them, and set_valid() records the ones it finds valid.
    fn undecided(&self) -> Vec<usize> {
        self.ids.iter().enumerate().filter(|(_, id)| id.is_none()).map(|(index, _)| index).collect()
    }

    /// The reference found the message at `index` valid, with this transaction_id.
    fn set_valid(&mut self, index: usize, transaction_id: &str) -> PyResult<()> {
        let slot = self.ids.get_mut(index).ok_or_else(|| PyIndexError::new_err(format!("no message {index}")))?;
        *slot = Some(Key::new(transaction_id));
        Ok(())
    }

    /// Every valid message, in batch order, through its partition's window (`windows`: partition
    /// -> DedupWindow, one for every partition of the batch), as one admit() at a time would; the
    /// walk runs with the GIL released. Returns (the messages to forward, in batch order; and
    /// (index, transaction_id, offset it was forwarded at) of each duplicate).
    fn admit<'py>(&self, py: Python<'py>, windows: &Bound<'py, PyDict>)
                  -> PyResult<(Bound<'py, PyList>, Vec<(usize, String, i64)>)> {
        let (handles, mut states) = lend_windows(&self.partitions, windows)?;
        // A panic in the walk must not lose the windows: they go back before it propagates.
        let (walked, states) = py.detach(|| {
            let walked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.walk(&mut states)));
            (walked, states)
        });
        give_back(&handles, states);
        let (forward, duplicates) = walked.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let records = self.records.bind(py);
        let forward = PyList::new(py, forward.iter().map(|&index| records.get_item(index)).collect::<PyResult<Vec<_>>>()?)?;
        let duplicates = duplicates.into_iter()
            .map(|(index, seen)| (index, self.ids[index].as_ref().expect("a duplicate has an id").text(), seen))
            .collect();
        Ok((forward, duplicates))
    }

    /// ({partition: first offset}, {partition: last offset}) of the batch.
    fn bounds<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
        let (firsts, lasts) = (PyDict::new(py), PyDict::new(py));
        for (&partition, &offset) in self.partitions.iter().zip(&self.offsets) {
            if !firsts.contains(partition)? {
                firsts.set_item(partition, offset)?;
            }
            lasts.set_item(partition, offset)?;
        }
        Ok((firsts, lasts))
    }

    fn __len__(&self) -> usize {
        self.ids.len()
    }
}

impl Screened {
    /// (indices to forward, (index, offset first seen) of each duplicate), admitting in order.
    fn walk(&self, states: &mut [(i32, WindowState)]) -> (Vec<usize>, Vec<(usize, i64)>) {
        let mut forward = Vec::with_capacity(self.ids.len());
        let mut duplicates = Vec::new();
        let mut current = 0;
        for (index, id) in self.ids.iter().enumerate() {
            let Some(id) = id else { continue };
            let partition = self.partitions[index];
            if states[current].0 != partition {
                current = states.iter().position(|(p, _)| *p == partition).expect("a window per partition");
            }
            match states[current].1.admit(self.offsets[index], id) {
                None => forward.push(index),
                Some(seen) => duplicates.push((index, seen)),
            }
        }
        (forward, duplicates)
    }
}

/// The windows of the batch's partitions, each with its state lent (taken out) for a walk
/// without the GIL; on an error, the states lent so far are given back first.
fn lend_windows<'py>(partitions: &[i32], windows: &Bound<'py, PyDict>)
                     -> PyResult<(Vec<Bound<'py, DedupWindow>>, Vec<(i32, WindowState)>)> {
    let (mut handles, mut states) = (Vec::new(), Vec::new());
    for &partition in partitions {
        if states.iter().any(|(p, _)| *p == partition) {
            continue;
        }
        match lend_window(windows, partition) {
            Ok((window, state)) => {
                handles.push(window);
                states.push((partition, state));
            }
            Err(error) => {
                give_back(&handles, states);
                return Err(error);
            }
        }
    }
    Ok((handles, states))
}

fn lend_window<'py>(windows: &Bound<'py, PyDict>, partition: i32) -> PyResult<(Bound<'py, DedupWindow>, WindowState)> {
    let window = windows.get_item(partition)?
        .ok_or_else(|| PyKeyError::new_err(format!("no dedup window for partition {partition}")))?
        .cast_into::<DedupWindow>()?;
    let state = window.try_borrow_mut()?.lend();
    Ok((window, state))
}

/// The lent states, back to their windows (same order as lend_windows gave them).
fn give_back(handles: &[Bound<'_, DedupWindow>], states: Vec<(i32, WindowState)>) {
    for (window, (_, state)) in handles.iter().zip(states) {
        window.borrow_mut().restore(state);
    }
}

impl Screen {
    fn accepted_id<'p>(&self, payload: &'p [u8], latest_micros: i64) -> Option<Cow<'p, str>> {
        let values = json_object::parse(payload, &self.keys)?;
        for (spec, value) in self.fields.iter().zip(&values) {
            if !self.field_ok(spec, value.as_ref(), latest_micros) {
                return None;
            }
        }
        self.accepted_values(values)
    }

    /// The transaction_id of parsed values whose every field passed field_ok, if the cross-field
    /// rules hold too.
    fn accepted_values<'p>(&self, mut values: Vec<Option<Value<'p>>>) -> Option<Cow<'p, str>> {
        let get = |slot: usize| values[slot].as_ref().unwrap_or(&Value::Null);
        for rule in &self.null_when {
            if *get(rule.field) != Value::Null && rule.values.iter().any(|v| same(v, get(rule.when))) {
                return None;
            }
        }
        for rule in &self.labelled_by {
            let label = get(rule.code).as_str().and_then(|code| rule.labels.get(code))?;
            if get(rule.field).as_str() != Some(label.as_str()) {
                return None;
            }
        }
        match values.swap_remove(self.id_slot) {
            Some(Value::Str(id)) => Some(id),
            _ => None,
        }
    }

    fn field_ok(&self, spec: &FieldSpec, value: Option<&Value>, latest_micros: i64) -> bool {
        let value = match value {
            None => return !spec.required && spec.nullable,
            Some(Value::Null) => return spec.nullable,
            Some(v) => v,
        };
        match spec.kind {
            Kind::Uuid | Kind::Str | Kind::Timestamp | Kind::Ip => {
                let Some(text) = value.as_str() else { return false };
                string_ok(spec, text)
                    && match spec.kind {
                        Kind::Uuid => is_uuid(text),
                        Kind::Timestamp => timestamp::utc_micros(text).is_some_and(|t| t <= latest_micros),
                        Kind::Ip => ip::is_plain(text),
                        _ => true,
                    }
            }
            Kind::Money => value.as_f64().is_some_and(|v| amount::is_valid(v, self.max_cents)),
            Kind::Double => value.as_f64().is_some_and(|v| {
                spec.minimum.is_none_or(|min| v >= min) && spec.maximum.is_none_or(|max| v <= max)
            }),
            Kind::Boolean => matches!(value, Value::Bool(_)),
            Kind::Integer => {
                let number = match *value {
                    Value::Int(i) => i,
                    Value::UInt(u) => match i64::try_from(u) {
                        Ok(i) => i,
                        Err(_) => return false,
                    },
                    _ => return false,
                };
                spec.int_values.as_ref().is_none_or(|set| set.contains(&number))
            }
        }
    }
}

fn string_ok(spec: &FieldSpec, text: &str) -> bool {
    if let Some(values) = &spec.str_values {
        if !values.contains(text) {
            return false;
        }
    }
    if spec.min_length.is_some() || spec.max_length.is_some() {
        // Code points, as Python's len; for ASCII (nearly always) that is the byte length.
        let length = if text.is_ascii() { text.len() } else { text.chars().count() };
        if spec.min_length.is_some_and(|min| length < min) || spec.max_length.is_some_and(|max| length > max) {
            return false;
        }
    }
    true
}

fn is_uuid(text: &str) -> bool {
    text.len() == UUID_LENGTH
        && text.bytes().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn same(expected: &Scalar, value: &Value) -> bool {
    match (expected, value) {
        (Scalar::Str(s), Value::Str(v)) => s == v,
        (Scalar::Bool(b), Value::Bool(v)) => b == v,
        _ => false,
    }
}

fn scalar(value: &Bound<'_, PyAny>) -> PyResult<Scalar> {
    // bool before str: a Python bool is never a str, but be explicit about which is tried.
    if let Ok(b) = value.extract::<bool>() {
        return Ok(Scalar::Bool(b));
    }
    value.extract::<String>().map(Scalar::Str).map_err(|_| PyValueError::new_err("rule values are str or bool"))
}
