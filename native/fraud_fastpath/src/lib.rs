//! Native fast paths of the validator and the lander (see streaming/validator/fastpath.py and
//! streaming/lander/segment_builder.py).
//!
//! Two parts: the validator's screen and dedup window, and the lander's segment builder.
//!
//! `Screen` answers one question per message: is it certainly valid under the contract? If so it
//! returns the transaction_id; otherwise None, and the Python reference (fraud_platform.contract)
//! decides and names every failed rule. It may say None for a valid message (it then only costs
//! time) but never accepts one the reference rejects; a differential property test holds it to
//! that. For a message it does not accept, `examine` also names the fields it cannot vouch for,
//! so the reference checks only those; a second property test holds every field it vouches for
//! to the reference's verdict on that field. `DedupWindow` is streaming/validator/dedup.py's
//! window with the same interface.
//! `SegmentBuilder` is streaming/lander/segment_builder.py's per-record loop (see lander.rs).

use pyo3::prelude::*;

mod amount;
mod dedup;
mod fields;
mod ip;
mod json_object;
mod lander;
mod messages;
mod producer;
mod screen;
mod timestamp;

/// Raised whenever what the Python side calls changes; streaming/common/native_build.py refuses a
/// build whose version differs from the one its checkout calls.
const API_VERSION: u32 = 4;

#[pymodule]
fn fraud_fastpath(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("API_VERSION", API_VERSION)?;
    m.add_class::<screen::Screen>()?;
    m.add_class::<screen::Screened>()?;
    m.add_class::<dedup::DedupWindow>()?;
    m.add_class::<lander::SegmentBuilder>()?;
    m.add_class::<lander::ClosedSegment>()?;
    m.add_class::<lander::Lines>()?;
    m.add_class::<producer::DirectProducer>()?;
    m.add_function(wrap_pyfunction!(messages::messages_read_in_place, m)?)?;
    Ok(())
}
