//! What the native loops read of a batch of confluent_kafka Messages, read once under the GIL so
//! the work on it can run without.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

/// A batch's values (None for a tombstone), partitions and offsets, in batch order.
pub(crate) struct MessageFields<'py> {
    pub values: Vec<Option<Bound<'py, PyBytes>>>,
    pub partitions: Vec<i32>,
    pub offsets: Vec<i64>,
}

pub(crate) fn message_fields<'py>(records: &Bound<'py, PyList>) -> PyResult<MessageFields<'py>> {
    let py = records.py();
    let (value_name, partition_name, offset_name) =
        (intern!(py, "value"), intern!(py, "partition"), intern!(py, "offset"));
    let count = records.len();
    let mut fields = MessageFields {
        values: Vec::with_capacity(count),
        partitions: Vec::with_capacity(count),
        offsets: Vec::with_capacity(count),
    };
    for message in records.iter() {
        fields.values.push(message.call_method0(value_name)?.cast_into::<PyBytes>().ok());
        fields.partitions.push(message.call_method0(partition_name)?.extract()?);
        fields.offsets.push(message.call_method0(offset_name)?.extract()?);
    }
    Ok(fields)
}
