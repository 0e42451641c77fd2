//! What the native loops read of a batch of confluent_kafka Messages, read once under the GIL so
//! the work on it can run without.
//!
//! Three method calls a record (value(), partition(), offset()) were half the lander builder's
//! time with the GIL held: a lookup, a call and, for the offset, a new int each. A Message is a
//! plain C struct (confluent_kafka.h), so its fields are read in place instead, but only once a
//! probe has shown that this build of confluent_kafka lays Messages out as `MessageObject` says:
//! same size, and a Message made with known fields reads back as made. Any other object, or a
//! Message whose partition or offset its methods would give as None, is read through the methods.

use std::ffi::{c_int, c_void};
use std::mem::size_of;

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyType};

/// A batch's values (None for a tombstone), partitions and offsets, in batch order.
pub(crate) struct MessageFields<'py> {
    pub values: Vec<Option<Bound<'py, PyBytes>>>,
    pub partitions: Vec<i32>,
    pub offsets: Vec<i64>,
}

/// confluent_kafka.h's `Message` (confluent-kafka 2.x, built with librdkafka headers support).
#[repr(C)]
struct MessageObject {
    ob_base: ffi::PyObject,
    topic: *mut ffi::PyObject,
    value: *mut ffi::PyObject, // NULL when the record has none
    key: *mut ffi::PyObject,
    headers: *mut ffi::PyObject,
    c_headers: *mut c_void,
    error: *mut ffi::PyObject,
    partition: i32,
    offset: i64,
    leader_epoch: i32,
    timestamp: i64,
    tstype: c_int,
    latency: i64,
    delivery_count: i16,
}

const PROBE_PARTITION: i32 = 1_234_567;
const PROBE_OFFSET: i64 = 9_876_543_210_123;
const PROBE_TIMESTAMP: i64 = 1_700_000_000_123;

/// confluent_kafka.Message when the probe confirmed its layout, else None (read by method calls).
static MESSAGE_TYPE: PyOnceLock<Option<Py<PyType>>> = PyOnceLock::new();

fn layout_confirmed(py: Python<'_>) -> Option<&Bound<'_, PyType>> {
    MESSAGE_TYPE.get_or_init(py, || probe(py).unwrap_or(None)).as_ref().map(|class| class.bind(py))
}

/// Whether confluent_kafka Messages are read in place (the probe's verdict), for tests and
/// diagnostics: False means every field is read through its method, correct but slower.
#[pyfunction]
pub(crate) fn messages_read_in_place(py: Python<'_>) -> bool {
    layout_confirmed(py).is_some()
}

fn probe(py: Python<'_>) -> PyResult<Option<Py<PyType>>> {
    let class = py.import("confluent_kafka")?.getattr("Message")?.cast_into::<PyType>()?;
    if class.getattr("__basicsize__")?.extract::<usize>()? != size_of::<MessageObject>() {
        return Ok(None);
    }
    let value = PyBytes::new(py, b"fraud_fastpath layout probe");
    let made = |value: Option<&Bound<'_, PyBytes>>| -> PyResult<Bound<'_, PyAny>> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("topic", "probe")?;
        kwargs.set_item("partition", PROBE_PARTITION)?;
        kwargs.set_item("offset", PROBE_OFFSET)?;
        kwargs.set_item("value", value)?;
        kwargs.set_item("timestamp", (1, PROBE_TIMESTAMP))?;
        class.call((), Some(&kwargs))
    };
    let (with_value, without_value) = (made(Some(&value))?, made(None)?);
    // SAFETY: both are instances of `class`, whose instances are `__basicsize__` bytes, the size of
    // MessageObject; reading them as one is safe, and the checks below say whether it is right.
    let (read, read_empty) = unsafe {
        (&*(with_value.as_ptr() as *const MessageObject), &*(without_value.as_ptr() as *const MessageObject))
    };
    let confirmed = read.value == value.as_ptr()
        && read.partition == PROBE_PARTITION
        && read.offset == PROBE_OFFSET
        && read.timestamp == PROBE_TIMESTAMP
        && read.tstype == 1
        && read_empty.value.is_null()
        && read_empty.partition == PROBE_PARTITION
        && read_empty.offset == PROBE_OFFSET;
    Ok(confirmed.then(|| class.unbind()))
}

pub(crate) fn message_fields<'py>(records: &Bound<'py, PyList>) -> PyResult<MessageFields<'py>> {
    let count = records.len();
    let mut fields = MessageFields {
        values: Vec::with_capacity(count),
        partitions: Vec::with_capacity(count),
        offsets: Vec::with_capacity(count),
    };
    for message in records.iter() {
        // Where the methods would give None for the partition or offset, they are called, and
        // fail as they would.
        let (value, partition, offset) = match in_place(&message).filter(|m| m.partition != -1 && m.offset >= 0) {
            Some(fields) => (field_bytes(message.py(), fields.value), fields.partition, fields.offset),
            None => read_by_methods(&message)?,
        };
        fields.values.push(value);
        fields.partitions.push(partition);
        fields.offsets.push(offset);
    }
    Ok(fields)
}

/// A message's value and key (None where it has none), read in place when the probe allows.
pub(crate) fn value_and_key<'py>(message: &Bound<'py, PyAny>) -> PyResult<(Option<Bound<'py, PyBytes>>, Option<Bound<'py, PyBytes>>)> {
    let py = message.py();
    if let Some(fields) = in_place(message) {
        return Ok((field_bytes(py, fields.value), field_bytes(py, fields.key)));
    }
    Ok((
        message.call_method0(intern!(py, "value"))?.cast_into::<PyBytes>().ok(),
        message.call_method0(intern!(py, "key"))?.cast_into::<PyBytes>().ok(),
    ))
}

/// The message's struct, when it is of the Message type whose layout the probe confirmed.
fn in_place<'a>(message: &'a Bound<'_, PyAny>) -> Option<&'a MessageObject> {
    let class = layout_confirmed(message.py())?;
    // SAFETY: an instance of the probed Message type is laid out as MessageObject.
    (message.get_type_ptr() == class.as_type_ptr()).then(|| unsafe { &*(message.as_ptr() as *const MessageObject) })
}

/// A bytes field of a Message (value or key): None when NULL, as its method gives None.
fn field_bytes<'py>(py: Python<'py>, field: *mut ffi::PyObject) -> Option<Bound<'py, PyBytes>> {
    match field.is_null() {
        true => None,
        // SAFETY: a non-NULL field is a live object the Message holds a reference to; borrowing it
        // takes a new reference. The method returns this same object.
        false => unsafe { Bound::from_borrowed_ptr(py, field) }.cast_into::<PyBytes>().ok(),
    }
}

fn read_by_methods<'py>(message: &Bound<'py, PyAny>) -> PyResult<(Option<Bound<'py, PyBytes>>, i32, i64)> {
    let py = message.py();
    Ok((
        message.call_method0(intern!(py, "value"))?.cast_into::<PyBytes>().ok(),
        message.call_method0(intern!(py, "partition"))?.extract()?,
        message.call_method0(intern!(py, "offset"))?.extract()?,
    ))
}
