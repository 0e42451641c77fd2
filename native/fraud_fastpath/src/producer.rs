//! The validator's valid messages produced straight into its confluent_kafka Producer's librdkafka
//! handle, with no per-message state.
//!
//! confluent_kafka's produce() attaches a state to every message, so librdkafka's delivery report
//! for it takes the GIL even when no callback is set: a million messages, a million GIL hand-offs
//! from the thread that commits the transaction to the main thread and back, 3.5 s of waiting in
//! a 9 s run. Produced here, a message carries no state and its report never enters Python. The
//! transaction, the partitioner and the flags are the producer's own, as with produce(): only the
//! per-message bookkeeping that nothing here reads is gone. A failed delivery still fails the
//! transaction (librdkafka makes it abortable), which is how the validator learns of it.
//!
//! The handle is the first field of confluent_kafka's `Handle` struct (confluent_kafka.h). It is
//! taken only after checking, through librdkafka's own API, that it is a producer whose
//! transactional.id is the one the caller configured; the library is the one already loaded for
//! confluent_kafka, found in /proc/self/maps. Anywhere that fails, the validator produces through
//! confluent_kafka as before.

use std::ffi::{c_char, c_int, c_void, CStr, CString};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyList;

const RTLD_NOW: c_int = 2;
const RTLD_NOLOAD: c_int = 4;
const RD_KAFKA_PRODUCER: c_int = 0;
const RD_KAFKA_CONF_OK: c_int = 0;
const RD_KAFKA_PARTITION_UA: i32 = -1;
const RD_KAFKA_MSG_F_COPY: c_int = 0x2;

extern "C" {
    fn dlopen(filename: *const c_char, flag: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// The librdkafka functions used here, from the copy confluent_kafka loaded.
struct Librdkafka {
    kind: unsafe extern "C" fn(*const c_void) -> c_int,
    conf: unsafe extern "C" fn(*mut c_void) -> *const c_void,
    conf_get: unsafe extern "C" fn(*const c_void, *const c_char, *mut c_char, *mut usize) -> c_int,
    topic_new: unsafe extern "C" fn(*mut c_void, *const c_char, *mut c_void) -> *mut c_void,
    topic_destroy: unsafe extern "C" fn(*mut c_void),
    produce: unsafe extern "C" fn(*mut c_void, i32, c_int, *mut c_void, usize, *const c_void, usize, *mut c_void) -> c_int,
    last_error: unsafe extern "C" fn() -> c_int,
}

fn loaded_librdkafka() -> Result<Librdkafka, String> {
    let maps = std::fs::read_to_string("/proc/self/maps").map_err(|e| format!("no /proc/self/maps: {e}"))?;
    let path = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .find(|path| path.rsplit('/').next().is_some_and(|name| name.starts_with("librdkafka")))
        .ok_or("librdkafka is not loaded")?;
    let path = CString::new(path).map_err(|e| e.to_string())?;
    // SAFETY: RTLD_NOLOAD only returns a handle to a library already loaded, loading nothing.
    let handle = unsafe { dlopen(path.as_ptr(), RTLD_NOW | RTLD_NOLOAD) };
    if handle.is_null() {
        return Err(format!("dlopen({path:?}) failed"));
    }
    let symbol = |name: &CStr| -> Result<*mut c_void, String> {
        // SAFETY: a valid handle and a NUL-terminated name.
        let found = unsafe { dlsym(handle, name.as_ptr()) };
        if found.is_null() { Err(format!("{name:?} not found")) } else { Ok(found) }
    };
    // SAFETY: each symbol is librdkafka's public function of that name, with the signature of rdkafka.h.
    unsafe {
        Ok(Librdkafka {
            kind: std::mem::transmute::<*mut c_void, _>(symbol(c"rd_kafka_type")?),
            conf: std::mem::transmute::<*mut c_void, _>(symbol(c"rd_kafka_conf")?),
            conf_get: std::mem::transmute::<*mut c_void, _>(symbol(c"rd_kafka_conf_get")?),
            topic_new: std::mem::transmute::<*mut c_void, _>(symbol(c"rd_kafka_topic_new")?),
            topic_destroy: std::mem::transmute::<*mut c_void, _>(symbol(c"rd_kafka_topic_destroy")?),
            produce: std::mem::transmute::<*mut c_void, _>(symbol(c"rd_kafka_produce")?),
            last_error: std::mem::transmute::<*mut c_void, _>(symbol(c"rd_kafka_last_error")?),
        })
    }
}

/// confluent_kafka.h's `Handle`, as far as its first field.
#[repr(C)]
struct HandleObject {
    ob_base: pyo3::ffi::PyObject,
    rk: *mut c_void,
}

/// Produces messages to one topic through a confluent_kafka Producer's handle, which it keeps
/// alive; it is made anew with each new Producer.
#[pyclass(module = "fraud_fastpath")]
pub struct DirectProducer {
    lib: Librdkafka,
    _producer: Py<PyAny>,
    rkt: *mut c_void,
}

// SAFETY: librdkafka handles are thread-safe; the Producer object owning the handle is kept alive.
unsafe impl Send for DirectProducer {}
unsafe impl Sync for DirectProducer {}

#[pymethods]
impl DirectProducer {
    /// `producer` must be a confluent_kafka.Producer configured with `transactional_id`;
    /// RuntimeError says why it cannot be used.
    #[new]
    fn new(producer: Bound<'_, PyAny>, topic: &str, transactional_id: &str) -> PyResult<Self> {
        let py = producer.py();
        let class = py.import("confluent_kafka")?.getattr("Producer")?;
        if !producer.get_type().is(&class) {
            return Err(PyRuntimeError::new_err("not a confluent_kafka.Producer"));
        }
        let lib = loaded_librdkafka().map_err(PyRuntimeError::new_err)?;
        // SAFETY: the object is a confluent_kafka.Producer, whose struct begins with `Handle`.
        let rk = unsafe { (*(producer.as_ptr() as *const HandleObject)).rk };
        if rk.is_null() {
            return Err(PyRuntimeError::new_err("the producer is closed"));
        }
        // SAFETY (this block): `rk` is the handle confluent_kafka created; the checks below confirm it.
        unsafe {
            if (lib.kind)(rk) != RD_KAFKA_PRODUCER {
                return Err(PyRuntimeError::new_err("the handle is not a producer's"));
            }
            let mut value = [0 as c_char; 512];
            let mut size = value.len();
            let found = (lib.conf_get)((lib.conf)(rk), c"transactional.id".as_ptr(), value.as_mut_ptr(), &mut size);
            let configured = CStr::from_ptr(value.as_ptr()).to_str().unwrap_or("");
            if found != RD_KAFKA_CONF_OK || configured != transactional_id {
                return Err(PyRuntimeError::new_err("the handle's transactional.id is not the producer's"));
            }
        }
        let name = CString::new(topic).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        // SAFETY: a live producer handle and a NUL-terminated topic; NULL conf: the default topic conf.
        let rkt = unsafe { (lib.topic_new)(rk, name.as_ptr(), std::ptr::null_mut()) };
        if rkt.is_null() {
            return Err(PyRuntimeError::new_err(format!("rd_kafka_topic_new({topic}) failed")));
        }
        Ok(DirectProducer { lib, _producer: producer.unbind(), rkt })
    }

    /// Produce messages[start:] (confluent_kafka Messages: value and key, partitioned by the
    /// producer's partitioner), in order. Returns (the index of the first message not produced,
    /// librdkafka's error code for it): (len(messages), 0) when all were; on a full queue, poll
    /// the producer and call again from that index.
    fn produce(&self, messages: &Bound<'_, PyList>, start: usize) -> PyResult<(usize, i32)> {
        let py = messages.py();
        let held = messages.iter().skip(start).map(|message| crate::messages::value_and_key(&message))
            .collect::<PyResult<Vec<_>>>()?;
        let slices: Vec<(&[u8], Option<&[u8]>)> = held
            .iter()
            .map(|(value, key)| (value.as_ref().map_or(&b""[..], |v| v.as_bytes()), key.as_ref().map(|k| k.as_bytes())))
            .collect();
        let (lib, rkt) = (&self.lib, self.rkt as usize);
        let (done, error) = py.detach(move || {
            let rkt = rkt as *mut c_void;
            for (index, (value, key)) in slices.iter().enumerate() {
                let (key_ptr, key_len) = key.map_or((std::ptr::null(), 0), |k| (k.as_ptr() as *const c_void, k.len()));
                // SAFETY: F_COPY: librdkafka copies payload and key before returning; no opaque,
                // so the delivery report carries no state and confluent_kafka ignores it.
                let failed = unsafe {
                    (lib.produce)(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, value.as_ptr() as *mut c_void,
                                  value.len(), key_ptr, key_len, std::ptr::null_mut())
                };
                if failed != 0 {
                    // SAFETY: librdkafka's thread-local last error of the call just made.
                    return (index, unsafe { (lib.last_error)() });
                }
            }
            (slices.len(), 0)
        });
        Ok((start + done, error))
    }
}

impl Drop for DirectProducer {
    fn drop(&mut self) {
        // SAFETY: the topic handle was created by topic_new and is destroyed once.
        unsafe { (self.lib.topic_destroy)(self.rkt) };
    }
}
