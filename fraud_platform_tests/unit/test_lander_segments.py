"""The lander's pure parts: file bytes and chunks, rotation, event days, the compressor's bound and
the writer's commit order."""

from __future__ import annotations

import gzip
import json
import threading
from datetime import UTC, datetime

import pytest
from confluent_kafka import Message

from streaming.lander.layout import event_day_and_epoch, event_moment, file_key
from streaming.lander.segment_builder import SegmentBuilder, new_segment_builder
from streaming.lander.compressor import ChunkCompressor
from streaming.lander.segments import DayFile, Segment, compress, file_bytes
from streaming.lander.writer import SegmentWriter


def test_day_file_is_gzip_json_lines_and_deterministic():
    values = [b'{"a":1}', b'{\n  "b": 2\n}', b'{"c":"x\\ny"}']
    files = [DayFile(7), DayFile(7)]
    for day_file in files:
        for value in values:
            day_file.append(value)
    first, second = (file_bytes(day_file.close()) for day_file in files)
    assert first == second
    assert gzip.decompress(first) == b'{"a":1}\n{"b":2}\n{"c":"x\\ny"}\n'  # pretty-printed one compacted
    assert [json.loads(line) for line in gzip.decompress(first).splitlines()] == [{"a": 1}, {"b": 2}, {"c": "x\ny"}]


def test_a_day_file_is_one_gzip_member_per_chunk_each_cut_after_a_line():
    handed: list[bytes] = []

    def submit(chunk: bytes) -> bytes:
        handed.append(chunk)
        return compress(chunk)

    day_file = DayFile(0, submit, chunk_bytes=20)
    for n in range(7):
        day_file.append(b'{"n":%d}' % n)  # 8 bytes a line with its newline
        if n == 2:
            assert [len(c) for c in handed] == [24]  # handed out as soon as it is full
    data = file_bytes(day_file.close())
    assert handed == [b'{"n":0}\n{"n":1}\n{"n":2}\n', b'{"n":3}\n{"n":4}\n{"n":5}\n', b'{"n":6}\n']
    assert data.count(b"\x1f\x8b\x08") == 3  # three members, read as one stream
    assert gzip.decompress(data) == b"".join(handed)


def test_the_compressor_holds_at_most_max_pending_chunks():
    gate, started = threading.Event(), threading.Semaphore(0)

    def slow_compress(chunk: bytes) -> bytes:
        started.release()
        gate.wait(10)
        return compress(chunk)

    chunks = ChunkCompressor(threads=1, max_pending=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("streaming.lander.compressor.compress", slow_compress)
        futures = [chunks.submit(b"a\n"), chunks.submit(b"b\n")]
        third = threading.Thread(target=lambda: futures.append(chunks.submit(b"c\n")))
        third.start()
        assert started.acquire(timeout=10)
        third.join(0.2)
        assert third.is_alive() and len(futures) == 2  # the builder waits: two chunks in flight
        gate.set()
        third.join(10)
    assert [gzip.decompress(f.result(10)) for f in futures] == [b"a\n", b"b\n", b"c\n"]
    chunks.close()


def test_segment_rotates_on_count_and_on_a_later_event_time_bucket():
    segment = Segment(rotate_records=2, rotate_interval_s=3600)
    hour = segment.bucket(datetime(2024, 5, 1, 10, 59, tzinfo=UTC).timestamp())
    assert not segment.rotates_before(hour)  # empty: never
    segment.add(10, "2024-05-01", hour, b"{}")
    assert not segment.rotates_before(hour) and not segment.full
    assert segment.rotates_before(segment.bucket(datetime(2024, 5, 1, 11, 0, tzinfo=UTC).timestamp()))
    assert not segment.rotates_before(hour - 1)  # a late event stays in the open segment
    segment.add(12, "2024-04-30", hour - 1, b"{}")  # offsets need not be contiguous
    assert segment.full and segment.last_offset == 12
    assert {day: f.start_offset for day, f in segment.files.items()} == {"2024-05-01": 10, "2024-04-30": 12}


def test_event_day_is_the_utc_day_of_event_time_else_the_kafka_timestamp():
    assert event_moment(b'{"event_time":"2024-05-01T23:30:00-02:00"}', 0).date().isoformat() == "2024-05-02"
    assert event_moment(b'{"event_time":"2024-05-01T12:00:00Z"}', None) == datetime(2024, 5, 1, 12, tzinfo=UTC)
    kafka_ms = int(datetime(2024, 1, 2, 3, tzinfo=UTC).timestamp() * 1000)
    for value in (b"not json", b'{"event_time":"yesterday"}', b'{"event_time":"2024-05-01T12:00:00"}', b"{}"):
        assert event_moment(value, kafka_ms) == datetime(2024, 1, 2, 3, tzinfo=UTC)
    # Beyond datetime's range: the Kafka timestamp, else the epoch, never a crash on one record.
    assert event_moment(b'{"event_time":"0001-01-01T00:00:00+05:30"}', kafka_ms) == datetime(2024, 1, 2, 3, tzinfo=UTC)
    assert event_moment(b"{}", 2**62) == datetime(1970, 1, 1, tzinfo=UTC)
    assert file_key("t", 3, "2024-05-01", 42) == "raw/transactions/dt=2024-05-01/t+3+0000000042.jsonl.gz"


def _segment(first_offset: int, n: int) -> Segment:
    segment = Segment(rotate_records=100, rotate_interval_s=3600)
    for offset in range(first_offset, first_offset + n):
        segment.add(offset, "2024-05-01", 0, b'{"n":%d}' % offset)
    return segment


def test_writer_releases_offsets_only_after_the_files_and_in_order():
    gate = threading.Event()
    stored: dict[str, bytes] = {}

    def write(key: str, data: bytes) -> bool:
        if key.endswith("+0000000000.jsonl.gz"):
            gate.wait(10)  # the first segment's write is slow
        stored[key] = data
        return True

    writer = SegmentWriter("t", write, threads=2, max_pending=2)
    writer.submit(_segment(0, 3).close(0))
    writer.submit(_segment(100, 2).close(1))
    assert writer.full
    landed, ok = writer.landed()
    assert ok and landed == []  # the second may be written already, but it waits behind the first
    gate.set()
    landed, ok = writer.landed(block=True)
    assert ok and [(s.partition, s.next_offset, s.records, s.files) for s in landed] == [(0, 3, 3, 1), (1, 102, 2, 1)]
    assert gzip.decompress(stored["raw/transactions/dt=2024-05-01/t+0+0000000000.jsonl.gz"]).count(b"\n") == 3
    assert writer.pending == 0
    writer.close()


def test_writer_stops_releasing_at_a_write_that_gave_up():
    writer = SegmentWriter("t", lambda key, data: "+1+" not in key, threads=1)
    writer.submit(_segment(0, 1).close(0))
    writer.submit(_segment(0, 1).close(1))  # gives up (shutdown during a lake outage)
    writer.submit(_segment(1, 1).close(0))  # written, but must not be committed past the failure
    landed, ok = writer.landed(block=True)
    assert not ok and [(s.partition, s.next_offset) for s in landed] == [(0, 1)]
    assert writer.landed(block=True) == ([], True)
    writer.close()


def test_fast_event_day_agrees_with_the_full_parse():
    kafka_ms = int(datetime(2024, 1, 2, 3, tzinfo=UTC).timestamp() * 1000)
    values = [
        b'{"event_time":"2024-05-01T23:59:59.999999Z","a":1}',
        b'{"a":"x","event_time":"2024-05-01T00:00:00+00:00"}',
        b'{"event_time": "2024-05-01T23:30:00Z"}',  # not compact: slow path
        b'{"event_time":"2024-05-01T23:30:00-02:00"}',  # an offset: next UTC day
        b'{"event_time":"2024-05-01T23:30:00Z","event_time":"2024-06-01T00:00:00Z"}',  # last one wins
        b'{"event_time":"2024-02-30T00:00:00Z"}',  # no such day: Kafka timestamp
        b'{"event_time":"\\u0032024-05-01T00:00:00Z"}',
        b'{"merchant_name":"\\"event_time\\":\\"1999-01-01T00:00:00Z","event_time":"2024-05-01T01:00:00Z"}',
        b'{"event_time":"2024-05-01T01:00:00Z',  # truncated
        b'{"event_time":null}',
        b"",
    ]
    for value in values:
        moment = event_moment(value, kafka_ms)
        assert event_day_and_epoch(value, kafka_ms) == (moment.date().isoformat(), moment.timestamp()), value


def _reference_cuts(records: list[tuple[int, int, bytes]], rotate_records: int, interval: int) -> list:
    """Segment boundaries by Segment's own rules: [(partition, first offset, last offset), ...]."""
    open_segments: dict[int, Segment] = {}
    cuts = []

    def close(partition: int) -> None:
        segment = open_segments.pop(partition)
        cuts.append((partition, min(f.start_offset for f in segment.files.values()), segment.last_offset))

    for partition, offset, value in records:
        day, epoch = event_day_and_epoch(value, None)
        segment = open_segments.setdefault(partition, Segment(rotate_records, interval))
        if segment.rotates_before(segment.bucket(epoch)):
            close(partition)
            segment = open_segments[partition] = Segment(rotate_records, interval)
        segment.add(offset, day, segment.bucket(epoch), value)
        if segment.full:
            close(partition)
    return cuts


@pytest.mark.parametrize("native", [False, True])
def test_the_segment_builder_cuts_segments_where_segment_rules_say(native):
    builder = new_segment_builder(20, 3600, native)
    if native and type(builder) is SegmentBuilder:
        pytest.skip("native/fraud_fastpath is not installed")
    start = datetime(2024, 5, 1, 22, tzinfo=UTC).timestamp()
    records = []
    for i in range(400):  # 3 partitions, an event every 37 s, some late, some in a slower format
        moment = datetime.fromtimestamp(start + 37 * i - (5000 if i % 17 == 0 else 0), UTC)
        text = moment.isoformat().replace("+00:00", "Z" if i % 5 else "+00:00")
        value = json.dumps({"event_time": text, "i": i}, separators=(",", ":") if i % 3 else (", ", ": ")).encode()
        records.append((i % 3, i // 3, value))
    messages = [Message(topic="t", partition=p, offset=o, value=v, timestamp=(1, 0)) for p, o, v in records]
    closed = [c for i in range(0, len(messages), 64) for c in builder.add(messages[i:i + 64])]
    cuts = [(c.partition, min(start for _day, start, _lines in c.files), c.last_offset) for c in closed]
    expected = _reference_cuts(records, 20, 3600)
    assert cuts == expected and len(expected) > 12  # both count and event-time rotations happened
    assert builder.open_records == len(records) - sum(c.count for c in closed)
    rest = builder.close_all()
    assert sum(c.count for c in closed + rest) == len(records) and builder.open_records == 0
