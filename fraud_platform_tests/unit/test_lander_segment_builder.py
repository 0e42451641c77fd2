"""The native segment builder (native/fraud_fastpath) against the Python reference
(streaming/lander/segment_builder.py): the same segments, cut at the same records, with the same
file contents in the same chunks, for any stream; it decides the platform's own records without
Python; and it reads confluent_kafka Messages in place exactly as their methods do."""

from __future__ import annotations

import gzip
import json
import os
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from confluent_kafka import Message
from hypothesis import given, settings, strategies as st

from streaming.generator.presets import default_config
from streaming.generator.run import backfill
from streaming.generator.sinks import MemorySink
from streaming.common.native_build import unusable_reason
from streaming.lander import segment_builder
from streaming.lander.layout import compact_utc_day_and_epoch
from streaming.lander.segment_builder import SegmentBuilder, new_segment_builder
from streaming.lander.segments import CHUNK_BYTES, bucket_of, compress, file_bytes

PROPERTY = settings(max_examples=1500, deadline=None)
NATIVE_UNUSABLE = unusable_reason(segment_builder.fraud_fastpath)
native = pytest.mark.skipif(NATIVE_UNUSABLE is not None, reason=f"native/fraud_fastpath {NATIVE_UNUSABLE}")


def test_ci_builds_the_native_segment_builder():
    if os.environ.get("CI") != "true":
        pytest.skip("only CI must have cargo; elsewhere the Python path is a supported fallback")
    assert type(new_segment_builder(10, 3600)) is not SegmentBuilder, "make install did not build native/fraud_fastpath"


def test_without_the_native_path_the_builder_is_pythons():
    assert type(new_segment_builder(10, 3600, native=False)) is SegmentBuilder


# -- streams ----------------------------------------------------------------------------------------

# Years around both ends of the range the native bucket is exact in (2^33 s from 1970).
_EDGE_MOMENTS = [datetime(1970, 1, 1), datetime(1698, 1, 1), datetime(1697, 12, 31, 23, 59, 59, 999999),
                 datetime(2242, 3, 16, 12, 56, 31), datetime(2242, 3, 16, 12, 56, 32),
                 datetime(9999, 12, 31, 23, 59, 59)]


@st.composite
def event_times(draw) -> str:
    """Event-time texts: the contract's shape mostly, and what fromisoformat accepts besides."""
    moment = draw(st.one_of(st.datetimes(min_value=datetime(1, 1, 1)), st.sampled_from(_EDGE_MOMENTS),
                            st.datetimes(min_value=datetime(2024, 4, 30, 22), max_value=datetime(2024, 5, 2, 2))))
    digits = draw(st.integers(0, 6))
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond:06d}"[:digits + 1] if digits else "")
    return text + draw(st.sampled_from(["Z", "Z", "+00:00", "-02:00", "+05:30", "", " Z", "z"]))


@st.composite
def values(draw) -> bytes | None:
    extra = draw(st.dictionaries(st.sampled_from(["a", "amount", "merchant_name"]),
                                 st.one_of(st.integers(), st.text(max_size=5)), max_size=2))
    kind = draw(st.sampled_from(["compact"] * 6 + ["spaced", "pretty", "repeated", "garbage", "missing", "null",
                                                    "empty", "none", "not_json", "escaped"]))
    record = {**extra, "event_time": draw(event_times())}
    if kind == "compact":
        return json.dumps(record, separators=(",", ":")).encode()
    if kind == "spaced":
        return json.dumps(record).encode()
    if kind == "pretty":  # line breaks: re-encoded as one line
        return json.dumps(record, indent=draw(st.sampled_from([None, 1]))).replace("\n", draw(
            st.sampled_from(["\n", "\r\n"]))).encode()
    if kind == "repeated":
        return b'{"event_time":"2024-05-01T00:00:00Z",' + json.dumps(record, separators=(",", ":")).encode()[1:]
    if kind == "garbage":
        return json.dumps({"event_time": draw(st.text(max_size=30))}, separators=(",", ":")).encode()
    if kind == "missing":
        return json.dumps(extra, separators=(",", ":")).encode()
    if kind == "null":
        return b'{"event_time":null}'
    if kind == "escaped":
        return b'{"event_time":"\\u0032' + record["event_time"][1:].encode() + b'"}'
    return {"empty": b"", "none": None, "not_json": b"\xff\x00 not json"}[kind]


@st.composite
def streams(draw):
    """Steps: ("add", [(partition, offset, value, timestamp)]) | ("drop", partition) | ("close_all",).

    Hypothesis draws a pool of values and a seed; the stream is laid out from them (drawing every
    record through hypothesis would cost a quarter of a second per example)."""
    pool = draw(st.lists(values(), min_size=1, max_size=12))
    rng = random.Random(draw(st.integers(0, 2**32)))
    timestamps = [(0, -1), (1, 1_714_600_000_000), (2, 0)]
    offsets = [0, 0, 0]
    steps = []
    for _ in range(rng.randint(1, 12)):
        step = rng.choice(["add"] * 6 + ["drop", "close_all"])
        if step == "add":
            batch = []
            for _ in range(rng.randint(0, 60)):
                partition = rng.randint(0, 2)
                offsets[partition] += rng.randint(1, 3)  # transaction markers leave gaps
                batch.append((partition, offsets[partition], rng.choice(pool), rng.choice(timestamps)))
            steps.append(("add", batch))
        elif step == "drop":
            steps.append(("drop", rng.randint(0, 2)))
        else:
            steps.append(("close_all",))
    return steps


def _as_tuples(closed) -> list:
    """Closed segments as plain values (built with submit=bytes: a file's parts are its chunks)."""
    return [(c.partition, [(day, start, list(parts)) for day, start, parts in c.files], c.count, c.last_offset)
            for c in closed]


def _replay(builder, steps) -> list:
    out = []
    for step in steps:
        if step[0] == "add":
            messages = [Message(topic="t", partition=p, offset=o, value=v, timestamp=ts) for p, o, v, ts in step[1]]
            out.append(_as_tuples(builder.add(messages)))
        elif step[0] == "drop":
            builder.drop_partition(step[1])
        else:
            out.append(_as_tuples(builder.close_all()))
        out.append(builder.open_records)
    return out


# -- the property -----------------------------------------------------------------------------------


@native
@PROPERTY
@given(streams(), st.integers(1, 30), st.sampled_from([0, 1, 7, 60, 3600, 86400]),
       st.sampled_from([1, 20, 60, 300, CHUNK_BYTES]))
def test_native_builder_cuts_and_writes_as_the_reference(steps, rotate_records, interval, chunk_bytes):
    reference = _replay(SegmentBuilder(rotate_records, interval, bytes, chunk_bytes), steps)
    assert _replay(new_segment_builder(rotate_records, interval, True, bytes, chunk_bytes), steps) == reference


@native
@PROPERTY
@given(values(), st.sampled_from([0, 1, 7, 3600, 86400]))
def test_native_event_time_agrees_with_the_python_fast_path(value, interval):
    decided = new_segment_builder(10, interval).compact(value or b"")
    if decided is not None:
        python = compact_utc_day_and_epoch(value)
        assert python is not None and decided == (python[0], bucket_of(python[1], interval))


@native
def test_native_builder_decides_every_generated_transaction():
    """Usefulness: the platform's own records never need the Python fallback."""
    sink = MemorySink(keep=True)
    backfill(default_config(200).with_defects(rate=0.0), 5, date(2024, 3, 4), date(2024, 3, 6), sink)
    builder = new_segment_builder(10, 3600)
    assert len(sink.values) > 300
    assert [value for value in sink.values if builder.compact(value) is None] == []


@native
def test_native_chunks_are_read_only_buffers_that_outlive_their_segment():
    builder = new_segment_builder(3, 0, True, lambda chunk: chunk, chunk_bytes=50)  # parts: the chunks themselves
    values = [b'{"event_time":"2024-05-01T01:00:00Z","n":%d}' % n for n in range(3)]  # 43 bytes a line
    (segment,) = builder.add([Message(topic="t", partition=0, offset=n, value=v, timestamp=(1, 0))
                              for n, v in enumerate(values)])
    (_day, _start, chunks) = segment.files[0]
    del segment, builder
    assert [bytes(chunk) for chunk in chunks] == [values[0] + b"\n" + values[1] + b"\n", values[2] + b"\n"]
    view = memoryview(chunks[0])
    assert view.readonly and len(chunks[0]) == 88
    assert gzip.decompress(file_bytes([compress(chunk) for chunk in chunks])) == b"\n".join(values) + b"\n"
    with pytest.raises(TypeError):
        view[0] = 0


@native
def test_full_chunks_are_handed_out_with_the_batch_that_fills_them():
    """Not at the segment's close: the lander compresses a chunk while it is still in cache."""
    handed: list[bytes] = []
    builder = new_segment_builder(100, 0, True, lambda chunk: handed.append(bytes(chunk)), chunk_bytes=50)
    values = [b'{"event_time":"2024-05-01T01:00:00Z","n":%d}' % n for n in range(3)]
    assert builder.add([Message(topic="t", partition=0, offset=n, value=v, timestamp=(1, 0))
                        for n, v in enumerate(values)]) == []
    assert handed == [values[0] + b"\n" + values[1] + b"\n"]  # the segment is still open
    builder.close_all()
    assert handed[1:] == [values[2] + b"\n"]


class _LikeMessage:
    """Not a confluent_kafka Message: read through its methods."""

    def __init__(self, message: Message) -> None:
        self.message = message

    def value(self):
        return self.message.value()

    def partition(self):
        return self.message.partition()

    def offset(self):
        return self.message.offset()

    def timestamp(self):
        return self.message.timestamp()


@native
def test_messages_read_in_place_read_as_their_methods_do():
    if os.environ.get("CI") == "true":  # the pinned confluent-kafka: the probe must confirm its layout
        assert segment_builder.fraud_fastpath.messages_read_in_place()
    values = [b'{"event_time":"2024-05-01T01:00:00Z","n":%d}' % n for n in range(6)] + [None, b""]
    messages = [Message(topic="t", partition=p % 3, offset=2**40 + 7 * p, value=v, timestamp=(1, 0))
                for p, v in enumerate(values)]
    in_place, by_methods = new_segment_builder(4, 0, True, bytes), new_segment_builder(4, 0, True, bytes)
    assert (_as_tuples(in_place.add(messages)) + _as_tuples(in_place.close_all())
            == _as_tuples(by_methods.add([_LikeMessage(m) for m in messages])) + _as_tuples(by_methods.close_all()))
    assert _as_tuples(new_segment_builder(4, 0, True, bytes).close_all()) == []


@native
def test_a_record_python_must_decide_is_placed_in_batch_order():
    """The native pass hands undecided records (here a non-UTC event time and a line break) to
    Python before placing any record; the cuts are still those of one record at a time."""
    values = [b'{"event_time":"2024-05-01T01:00:00Z","n":0}',
              b'{"event_time":"2024-05-01T03:30:00+02:00","n":1}',  # 01:30Z: same hour, via Python
              b'{"event_time":"2024-05-01T02:00:00Z",\n"n":2}',  # a line break: re-encoded by Python
              b'{"event_time":"2024-05-01T01:59:59Z","n":3}']
    messages = [Message(topic="t", partition=0, offset=n, value=v, timestamp=(1, 0)) for n, v in enumerate(values)]
    native, reference = new_segment_builder(10, 3600, True, bytes), SegmentBuilder(10, 3600, bytes)
    assert _as_tuples(native.add(messages)) == _as_tuples(reference.add(messages))
    assert _as_tuples(native.close_all()) == _as_tuples(reference.close_all())


@native
def test_an_exact_bucket_boundary_and_the_microsecond_before_it():
    builder = new_segment_builder(10, 3600)
    hour = datetime(2024, 5, 1, 13, tzinfo=UTC)
    for moment in (hour, hour - timedelta(microseconds=1)):
        value = b'{"event_time":"%s"}' % moment.isoformat().replace("+00:00", "Z").encode()
        python = compact_utc_day_and_epoch(value)
        assert builder.compact(value) == (python[0], bucket_of(python[1], 3600))
