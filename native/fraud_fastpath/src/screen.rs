//! The accept-only screen: a message's transaction_id when it certainly satisfies the contract.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::dedup::DedupWindow;
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
        Ok(Screen { fields: specs, keys: Keys { names, index }, null_when: rules, labelled_by: labels, id_slot, max_cents })
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
                .map(|payload| payload.and_then(|p| self.accepted_id(p, latest_micros)).map(|id| Arc::<str>::from(id.as_ref())))
                .collect()
        });
        Ok(Screened { records: records.clone().unbind(), ids, partitions, offsets })
    }
}

/// One batch's screen answers (Screen.screen), walked in order by forward_run.
#[pyclass(module = "fraud_fastpath", frozen)]
pub struct Screened {
    records: Py<PyList>,
    ids: Vec<Option<Arc<str>>>, // the accepted transaction_id; None: ask the reference
    partitions: Vec<i32>,
    offsets: Vec<i64>,
}

#[pymethods]
impl Screened {
    /// From `start`: each accepted message its partition's window has not seen is admitted to the
    /// window and appended to `forward`; the index of the first message that needs the reference
    /// (not accepted, a duplicate, no native window for its partition) is returned, or the batch's
    /// length. The caller routes that message itself before calling again from the next one, so
    /// the windows see the batch in order exactly as with one message at a time.
    fn forward_run(&self, py: Python<'_>, start: usize, windows: &Bound<'_, PyDict>, forward: &Bound<'_, PyList>)
                   -> PyResult<usize> {
        let records = self.records.bind(py);
        let mut current: Option<(i32, Bound<'_, DedupWindow>)> = None;
        for index in start..self.ids.len() {
            let Some(id) = &self.ids[index] else { return Ok(index) };
            let partition = self.partitions[index];
            if current.as_ref().is_none_or(|(p, _)| *p != partition) {
                let Some(window) = windows.get_item(partition)? else { return Ok(index) };
                let Ok(window) = window.cast_into::<DedupWindow>() else { return Ok(index) };
                current = Some((partition, window));
            }
            let (_, window) = current.as_ref().expect("set above");
            let Ok(mut window) = window.try_borrow_mut() else { return Ok(index) };
            if window.admit_shared(self.offsets[index], id).is_some() {
                return Ok(index);
            }
            forward.append(records.get_item(index)?)?;
        }
        Ok(self.ids.len())
    }

    fn __len__(&self) -> usize {
        self.ids.len()
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
