//! streaming/lander/segment_builder.py's SegmentBuilder natively: the lander's per-record loop.
//!
//! Same interface and the same cuts, names and bytes (a differential property test compares the
//! two). Only the common case is decided here: a compact UTC `"event_time":"…"` in the contract's
//! shape, within a range where exact integer arithmetic gives Python's float bucket. Every other
//! record's (day, bucket) comes from the Python `fallback`, and a value holding a line break is
//! made one JSON line by the Python `reencode`, so Python alone defines the unusual cases.
//!
//! A file's lines are cut into chunks of at least `chunk_bytes`, each ending with a line, and every
//! chunk is handed to the Python `submit` as soon as it is full: the lander compresses it into its
//! own gzip member while it is still in the CPU's cache, instead of re-reading whole files from
//! memory when their segment closes (see streaming/lander/segments.py).

use std::ffi::{c_int, c_void};
use std::sync::LazyLock;

use memchr::memmem;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

use crate::messages::{message_fields, MessageFields};
use crate::timestamp::utc_micros;

const EVENT_TIME_KEY: &[u8] = b"\"event_time\":\"";
// A static, not a field: its SIMD state wants 32-byte alignment, more than Python objects get.
static EVENT_TIME: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(EVENT_TIME_KEY));
/// Below 2^33 s from the epoch (years 1698..2242) a float of the epoch has resolution under half a
/// microsecond, so Python's `int(epoch // interval)` is the exact floor this module computes.
const EXACT_MICROS: i64 = (1i64 << 33) * 1_000_000;

struct DayLines {
    day: String,
    start_offset: i64,
    chunk: Vec<u8>,          // the open chunk's lines
    full: Vec<Vec<u8>>,      // chunks filled without the GIL, not yet handed to `submit`
    parts: Vec<Py<PyAny>>,   // what `submit` returned for each chunk handed out, in order
}

impl DayLines {
    /// Hand the full chunks to `submit`, in order.
    fn hand_out(&mut self, py: Python<'_>, submit: &Py<PyAny>) -> PyResult<()> {
        for data in self.full.drain(..) {
            self.parts.push(submit.call1(py, (Py::new(py, Lines { data })?,))?);
        }
        Ok(())
    }
}

#[derive(Default)]
struct OpenSegment {
    partition: i32,
    files: Vec<DayLines>,
    count: usize,
    first_bucket: Option<i64>,
    last_offset: i64,
}

impl OpenSegment {
    fn add(&mut self, offset: i64, day: &str, bucket: i64, line: &[u8], chunk_bytes: usize) {
        if self.first_bucket.is_none() {
            self.first_bucket = Some(bucket);
        }
        let file = match self.files.iter().position(|f| f.day == day) {
            Some(i) => &mut self.files[i],
            None => {
                self.files.push(DayLines { day: day.to_owned(), start_offset: offset, chunk: new_chunk(chunk_bytes),
                                           full: Vec::new(), parts: Vec::new() });
                self.files.last_mut().expect("just pushed")
            }
        };
        file.chunk.extend_from_slice(line);
        file.chunk.push(b'\n');
        if file.chunk.len() >= chunk_bytes {
            let full = std::mem::replace(&mut file.chunk, new_chunk(chunk_bytes));
            file.full.push(full);
        }
        self.count += 1;
        self.last_offset = offset;
    }

    fn hand_out(&mut self, py: Python<'_>, submit: &Py<PyAny>) -> PyResult<()> {
        self.files.iter_mut().try_for_each(|file| file.hand_out(py, submit))
    }

    /// Hand out every chunk, the open ones too, and give the segment's files by day.
    fn close(mut self, py: Python<'_>, submit: &Py<PyAny>) -> PyResult<ClosedSegment> {
        self.files.sort_by(|a, b| a.day.cmp(&b.day));
        let mut files = Vec::with_capacity(self.files.len());
        for mut file in self.files {
            if !file.chunk.is_empty() {
                let last = std::mem::take(&mut file.chunk);
                file.full.push(last);
            }
            file.hand_out(py, submit)?;
            files.push((file.day, file.start_offset, file.parts));
        }
        Ok(ClosedSegment { partition: self.partition, files, count: self.count, last_offset: self.last_offset })
    }
}

/// A chunk's buffer, sized for a full chunk: growing one line at a time would copy it repeatedly.
fn new_chunk(chunk_bytes: usize) -> Vec<u8> {
    Vec::with_capacity(chunk_bytes.min(4 << 20) + 4096)
}

/// A chunk of a file's JSON lines, handed to Python without a copy (a copy would hold the GIL): a
/// read-only buffer that bytes(), memoryview() and the compressor read in place.
#[pyclass(module = "fraud_fastpath", frozen)]
pub struct Lines {
    data: Vec<u8>,
}

#[pymethods]
impl Lines {
    unsafe fn __getbuffer__(slf: Bound<'_, Self>, view: *mut ffi::Py_buffer, flags: c_int) -> PyResult<()> {
        let data = &slf.get().data;
        // Sets view.obj to a new reference to `slf`, which keeps `data` alive and unchanged (frozen).
        let filled = unsafe {
            ffi::PyBuffer_FillInfo(view, slf.as_ptr(), data.as_ptr() as *mut c_void, data.len() as ffi::Py_ssize_t, 1,
                                   flags)
        };
        if filled == -1 {
            return Err(PyErr::fetch(slf.py()));
        }
        Ok(())
    }

    fn __len__(&self) -> usize {
        self.data.len()
    }
}

/// A segment whose files are ready to write: `files` is [(day, start offset, parts)] by day, the
/// parts being what `submit` returned for each of the file's chunks, in order.
#[pyclass(module = "fraud_fastpath", frozen)]
pub struct ClosedSegment {
    #[pyo3(get)]
    partition: i32,
    #[pyo3(get)]
    files: Vec<(String, i64, Vec<Py<PyAny>>)>,
    #[pyo3(get)]
    count: usize,
    #[pyo3(get)]
    last_offset: i64,
}

#[pyclass(module = "fraud_fastpath")]
pub struct SegmentBuilder {
    rotate_records: usize,
    interval_s: i64,
    fallback: Py<PyAny>,
    reencode: Py<PyAny>,
    submit: Py<PyAny>,
    chunk_bytes: usize,
    open: Vec<OpenSegment>,
}

#[pymethods]
impl SegmentBuilder {
    /// `fallback(message, value) -> (day, bucket)` for records this module does not decide;
    /// `reencode(value) -> bytes` for a value holding a line break; `submit(chunk)` for each full
    /// chunk of at least `chunk_bytes` (a read-only buffer of whole lines), whose result is kept as
    /// the chunk's part of its file.
    #[new]
    fn new(rotate_records: usize, rotate_interval_s: i64, fallback: Py<PyAny>, reencode: Py<PyAny>,
           submit: Py<PyAny>, chunk_bytes: usize) -> Self {
        SegmentBuilder {
            rotate_records,
            interval_s: rotate_interval_s,
            fallback,
            reencode,
            submit,
            chunk_bytes: chunk_bytes.max(1),
            open: Vec::new(),
        }
    }

    /// Append the records (confluent_kafka Messages) to their partitions' segments; the segments
    /// that closed (by count, or because a record's bucket is later than the segment's first),
    /// in closing order. The per-record work, finding event times and copying lines, runs with
    /// the GIL released: the lander's loop consumes the next batch meanwhile. Records this module
    /// does not decide go to Python in between, in batch order, before any record is placed. The
    /// chunks filled meanwhile go to `submit` at the end, file by file in order.
    fn add(&mut self, py: Python<'_>, records: &Bound<'_, PyList>) -> PyResult<Vec<ClosedSegment>> {
        let MessageFields { values, partitions, offsets } = message_fields(records)?;
        let bytes: Vec<&[u8]> = values.iter().map(|value| value.as_ref().map_or(&b""[..], |v| v.as_bytes())).collect();
        let (interval_s, rotate_records, chunk_bytes, open) =
            (self.interval_s, self.rotate_records, self.chunk_bytes, &mut self.open);
        let place_all = |open: &mut Vec<OpenSegment>, placed: &mut dyn Iterator<Item = (usize, &str, i64, &[u8])>| {
            let mut closed = Vec::new();
            for (index, day, bucket, line) in placed {
                let record = Record { partition: partitions[index], offset: offsets[index], day, bucket, line };
                place(open, rotate_records, chunk_bytes, record, &mut closed);
            }
            closed
        };
        // Usually one pass without the GIL decides and places every record; else it returns each
        // record's (day, bucket) if decided here and whether its line needs re-encoding.
        let outcome = py.detach(|| {
            let decided: Vec<(Option<(&str, i64)>, bool)> = bytes.iter()
                .map(|value| (compact_day_and_bucket(value, interval_s), memchr::memchr2(b'\n', b'\r', value).is_some()))
                .collect();
            if decided.iter().any(|(found, line_break)| found.is_none() || *line_break) {
                return Err(decided);
            }
            let mut placed = decided.iter().enumerate()
                .map(|(index, (found, _))| {
                    let (day, bucket) = found.expect("every record decided");
                    (index, day, bucket, bytes[index])
                });
            Ok(place_all(open, &mut placed))
        });
        let closed = match outcome {
            Ok(closed) => closed,
            Err(decided) => {
                let mut from_python: Vec<Option<(String, i64)>> = Vec::with_capacity(decided.len());
                let mut reencoded: Vec<Option<Bound<'_, PyBytes>>> = Vec::with_capacity(decided.len());
                for (index, (found, line_break)) in decided.iter().enumerate() {
                    let value = values[index].clone().unwrap_or_else(|| PyBytes::new(py, b""));
                    from_python.push(match found {
                        Some(_) => None,
                        None => Some(self.fallback.call1(py, (records.get_item(index)?, &value))?.extract(py)?),
                    });
                    reencoded.push(match line_break {
                        false => None,
                        true => Some(self.reencode.call1(py, (&value,))?.into_bound(py).cast_into::<PyBytes>()?),
                    });
                }
                let placed: Vec<(usize, &str, i64, &[u8])> = (0..decided.len())
                    .map(|index| {
                        let (day, bucket) = decided[index].0.unwrap_or_else(|| {
                            let (day, bucket) = from_python[index].as_ref().expect("asked Python for every undecided record");
                            (day.as_str(), *bucket)
                        });
                        (index, day, bucket, reencoded[index].as_ref().map_or(bytes[index], |line| line.as_bytes()))
                    })
                    .collect();
                let open = &mut self.open;
                py.detach(|| place_all(open, &mut placed.into_iter()))
            }
        };
        let closed = closed.into_iter().map(|segment| segment.close(py, &self.submit)).collect();
        self.open.iter_mut().try_for_each(|segment| segment.hand_out(py, &self.submit))?;
        closed
    }

    /// Close every open segment (partition order).
    fn close_all(&mut self, py: Python<'_>) -> PyResult<Vec<ClosedSegment>> {
        let mut open = std::mem::take(&mut self.open);
        open.sort_by_key(|s| s.partition);
        open.into_iter().filter(|s| s.count > 0).map(|s| s.close(py, &self.submit)).collect()
    }

    /// Forget a partition's open segment (revoked: its next owner re-reads it).
    fn drop_partition(&mut self, partition: i32) {
        self.open.retain(|s| s.partition != partition);
    }

    /// Records in open segments.
    #[getter]
    fn open_records(&self) -> usize {
        self.open.iter().map(|s| s.count).sum()
    }

    /// The fast path alone, for tests: (day, bucket) or None.
    fn compact(&self, py: Python<'_>, value: &[u8]) -> Option<(Py<PyString>, i64)> {
        compact_day_and_bucket(value, self.interval_s).map(|(day, bucket)| (PyString::new(py, day).unbind(), bucket))
    }
}

/// A record as placed: where it is from, its event day and bucket, and its JSON line.
struct Record<'a> {
    partition: i32,
    offset: i64,
    day: &'a str,
    bucket: i64,
    line: &'a [u8],
}

/// One record into its partition's open segment; the segments it closes are appended to `closed`
/// (the open one first when the record's bucket is later than the segment's first, then the one
/// the record fills).
fn place(open: &mut Vec<OpenSegment>, rotate_records: usize, chunk_bytes: usize, record: Record<'_>,
         closed: &mut Vec<OpenSegment>) {
    let Record { partition, offset, day, bucket, line } = record;
    let index = match open.iter().position(|s| s.partition == partition) {
        Some(i) => i,
        None => {
            open.push(OpenSegment { partition, ..OpenSegment::default() });
            open.len() - 1
        }
    };
    let segment = &mut open[index];
    if segment.count > 0 && segment.first_bucket.is_some_and(|first| bucket > first) {
        closed.push(std::mem::replace(segment, OpenSegment { partition, ..OpenSegment::default() }));
    }
    let segment = &mut open[index];
    segment.add(offset, day, bucket, line, chunk_bytes);
    if segment.count >= rotate_records {
        closed.push(open.swap_remove(index));
    }
}

/// streaming/lander/layout.compact_utc_day_and_epoch, restricted to the contract's timestamp shape
/// and to EXACT_MICROS, as (day, bucket); the day is the text's own date (UTC by its suffix).
fn compact_day_and_bucket(value: &[u8], interval_s: i64) -> Option<(&str, i64)> {
    let start = EVENT_TIME.find(value)? + EVENT_TIME_KEY.len();
    let end = start + memchr::memchr(b'"', &value[start..])?;
    if EVENT_TIME.find(&value[end..]).is_some() {
        return None; // a repeated key: the last one wins in JSON, left to Python
    }
    let text = std::str::from_utf8(&value[start..end]).ok()?;
    let micros = utc_micros(text)?;
    if !(-EXACT_MICROS..EXACT_MICROS).contains(&micros) {
        return None;
    }
    let bucket = if interval_s > 0 { micros.div_euclid(interval_s * 1_000_000) } else { 0 };
    Some((&text[..10], bucket))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_utc_event_times_give_their_day_and_bucket() {
        assert_eq!(compact_day_and_bucket(br#"{"a":1,"event_time":"2024-05-01T01:00:00Z"}"#, 3600),
                   Some(("2024-05-01", 1_714_525_200 / 3600)));
        assert_eq!(compact_day_and_bucket(br#"{"event_time":"1969-12-31T23:59:59.999999+00:00"}"#, 3600),
                   Some(("1969-12-31", -1)));
    }

    #[test]
    fn anything_else_is_left_to_python() {
        for value in [
            &br#"{"event_time": "2024-05-01T01:00:00Z"}"#[..],
            br#"{"event_time":"2024-05-01T01:00:00-02:00"}"#,
            br#"{"event_time":"2024-05-01T01:00:00Z","event_time":"2024-05-02T01:00:00Z"}"#,
            br#"{"event_time":"2024-02-30T01:00:00Z"}"#,
            br#"{"event_time":"2024-05-01T01:00:00Z"#,
            br#"{"event_time":"9999-05-01T01:00:00Z"}"#,
            b"",
        ] {
            assert_eq!(compact_day_and_bucket(value, 3600), None, "{}", String::from_utf8_lossy(value));
        }
    }

    #[test]
    fn no_interval_means_one_bucket() {
        assert_eq!(compact_day_and_bucket(br#"{"event_time":"2024-05-01T01:00:00Z"}"#, 0),
                   Some(("2024-05-01", 0)));
    }
}
