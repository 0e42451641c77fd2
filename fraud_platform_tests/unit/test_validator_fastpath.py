"""The validator's native fast path against the Python reference it may only ever agree with.

The screen accepts (returns a transaction_id) or defers (None); the property that makes it safe
is: whatever it accepts, the reference accepts with the same transaction_id. It must also
accept the messages real producers send, or it would be safe and useless.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from confluent_kafka import Message
from hypothesis import given, settings, strategies as st

from fraud_platform.contract import FIELDS, Field, Kind, example_transaction
from fraud_platform.contract.record import decide
from fraud_platform.contract.rules import Context, _is_plain_ip, check_field
from fraud_platform_tests.streaming import fuzz
from fraud_platform_tests.streaming.workload import defect_payloads, workload
from streaming.generator.presets import default_config
from streaming.generator.run import backfill
from streaming.generator.sinks import MemorySink
from streaming.common import native_build
from streaming.common.native_build import unusable_reason
from streaming.validator import fastpath
from streaming.validator.batch_decision import decide_batch
from streaming.validator.dedup import DedupWindow
from streaming.validator.routing import MessageRouter

from .test_contract_validate import mutated_records, valid_records

LIMIT = Decimal("50000.00")
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CONTEXT = Context(LIMIT, NOW)
LATEST = fastpath.micros(CONTEXT.latest)
PROPERTY = settings(max_examples=1500, deadline=None)

NATIVE_UNUSABLE = unusable_reason(fastpath.fraud_fastpath)
native = pytest.mark.skipif(NATIVE_UNUSABLE is not None, reason=f"native/fraud_fastpath {NATIVE_UNUSABLE}")


def test_ci_builds_the_native_fast_path():
    if os.environ.get("CI") != "true":
        pytest.skip("only CI must have cargo; elsewhere the Python path is a supported fallback")
    assert NATIVE_UNUSABLE is None, f"make install did not build native/fraud_fastpath: {NATIVE_UNUSABLE}"


@pytest.fixture(scope="module")
def screen():
    if NATIVE_UNUSABLE is not None:
        pytest.skip(f"native/fraud_fastpath {NATIVE_UNUSABLE}")
    return fastpath.contract_screen(LIMIT)


def assert_agrees(screen, payload: bytes, context: Context = CONTEXT) -> str | None:
    """The safety property on one payload; returns what the screen said."""
    accepted = screen.accept(payload, fastpath.micros(context.latest))
    if accepted is not None:
        record, violations = decide(payload, context)
        assert violations == [], f"the screen accepted {payload[:200]!r}, the reference says {violations}"
        assert record.transaction_id == accepted
    return accepted


def assert_vouches(screen, payload: bytes, context: Context = CONTEXT) -> None:
    """examine()'s promise on one payload: what it accepts the reference accepts, and every
    present field it leaves out of its suspects passes the reference's rules for that field."""
    verdict = screen.examine(payload, fastpath.micros(context.latest))
    if verdict is None:
        return
    if isinstance(verdict, str):
        assert decide(payload, context)[0].transaction_id == verdict
        return
    doc = msgspec.json.decode(payload)
    for slot, field in enumerate(FIELDS):
        if slot not in verdict and field.name in doc:
            assert check_field(field, doc[field.name], context) is None, (
                f"the screen vouched for {field.name}={doc[field.name]!r}, the reference rejects it")


# -- what it accepts ------------------------------------------------------------------------------


def test_accepts_the_example_and_every_valid_workload_message(screen):
    assert screen.accept(msgspec.json.encode(example_transaction()), LATEST) == example_transaction()["transaction_id"]
    for message in workload(3000, seed=3):
        if message.fate != "invalid":
            assert screen.accept(message.value, LATEST) == message.transaction_id


def test_accepts_every_generated_transaction_of_a_clean_world(screen):
    sink = MemorySink(keep=True)
    backfill(default_config(200).with_defects(rate=0.0), 11, date(2024, 3, 4), date(2024, 3, 11), sink)
    assert len(sink.values) > 1000
    deferred = [value for value in sink.values if assert_agrees(screen, value) is None]
    assert deferred == []


@PROPERTY
@given(valid_records())
def test_accepts_valid_records_except_the_forms_it_leaves_to_the_reference(screen, doc):
    payload = json.dumps(doc).encode()
    accepted = assert_agrees(screen, payload, Context(LIMIT, datetime(2100, 1, 1, tzinfo=UTC)))
    ip = doc["ip_address"]
    ipv4_tail = ip is not None and "." in ip and ":" in ip  # an IPv6 address ending in an IPv4 one
    if not ipv4_tail and doc["amount"] != float(LIMIT):
        assert accepted == doc["transaction_id"]


def test_field_order_and_escapes_do_not_matter(screen):
    doc = {**example_transaction(), "city": "Zürich", "merchant_name": 'Caf\u00e9 "Le Coin"'}
    for payload in (json.dumps(doc).encode(), json.dumps(doc, ensure_ascii=False).encode(),
                    json.dumps(dict(reversed(doc.items())), indent=2).encode()):
        assert assert_agrees(screen, payload) == doc["transaction_id"]


# -- what it must never accept ---------------------------------------------------------------------


@PROPERTY
@given(mutated_records().map(lambda doc: json.dumps(doc).encode()) | fuzz.mutated_records() | fuzz.byte_mutations()
       | fuzz.huge_numbers | st.binary(max_size=300))
def test_never_accepts_what_the_reference_rejects(screen, payload):
    assert_agrees(screen, payload, Context(LIMIT, datetime(2100, 1, 1, tzinfo=UTC)))


@PROPERTY
@given(mutated_records().map(lambda doc: json.dumps(doc).encode()) | fuzz.mutated_records() | fuzz.byte_mutations()
       | fuzz.huge_numbers | st.binary(max_size=300), st.sampled_from([NOW, datetime(2100, 1, 1, tzinfo=UTC)]))
def test_vouches_only_for_fields_the_reference_passes(screen, payload, now):
    assert_vouches(screen, payload, Context(LIMIT, now))


@native
@PROPERTY
@given(mutated_records().map(lambda doc: json.dumps(doc).encode()) | fuzz.mutated_records() | fuzz.byte_mutations()
       | fuzz.huge_numbers, st.sampled_from([NOW, datetime(2100, 1, 1, tzinfo=UTC)]))
def test_the_router_names_violations_alike_with_and_without_the_native_path(payload, now):
    python, rust = MessageRouter(LIMIT, native=False), MessageRouter(LIMIT, native=True)
    assert rust.route(payload, now) == python.route(payload, now)


def test_rejects_every_defect_class(screen):
    python, rust = MessageRouter(LIMIT, native=False), MessageRouter(LIMIT, native=True)
    for name, (payload, _reason) in defect_payloads().items():
        assert screen.accept(payload, LATEST) is None, name
        assert_vouches(screen, payload)
        assert rust.route(payload, NOW) == python.route(payload, NOW), name
    sink = MemorySink(keep=True)
    backfill(default_config(100).with_defects(rate=0.2), 5, date(2024, 3, 4), date(2024, 3, 6), sink)
    for value in sink.values:
        assert_agrees(screen, value)
        assert_vouches(screen, value)


@PROPERTY
@given(st.integers(-2_000_000, 2_000_000))
def test_event_time_at_the_edge_of_the_clock(screen, shift_us):
    moment = CONTEXT.latest + timedelta(microseconds=shift_us)
    doc = {**example_transaction(), "event_time": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    accepted = assert_agrees(screen, json.dumps(doc).encode())
    assert (accepted is not None) == (shift_us <= 0)


@PROPERTY
@given(st.integers(1, 6_000_000).map(lambda cents: cents / 100) | st.floats(-1, 1e7) | st.integers(-5, 10**7)
       | st.sampled_from([0.005, 0.015, 49999.995, 50000.0, 50000.004, 1e-5, 123.450, 0.1 + 0.2]))
def test_amounts(screen, amount):
    accepted = assert_agrees(screen, json.dumps({**example_transaction(), "amount": amount}).encode())
    if isinstance(amount, float) and 0 < amount < 50000 and round(amount, 2) == amount:
        assert accepted is not None


def test_the_maximum_itself_is_left_to_the_reference(screen):
    payload = json.dumps({**example_transaction(), "amount": 50000.0}).encode()
    assert screen.accept(payload, LATEST) is None
    assert decide(payload, CONTEXT)[1] == []


@PROPERTY
@given(st.ip_addresses().map(str) | st.text(alphabet="0123456789abcdefABCDEF:.%x ", max_size=45))
def test_ip_addresses(screen, text):
    doc = {**example_transaction(), "channel": "ecommerce", "device_type": "desktop", "payment_method": "online",
           "ip_address": text}
    accepted = assert_agrees(screen, json.dumps(doc).encode())
    if accepted is not None:
        assert _is_plain_ip(text)


# -- construction ------------------------------------------------------------------------------------


def test_a_rule_it_does_not_know_turns_it_off(monkeypatch, caplog):
    patterned = Field("merchant_id", Kind.STRING, "with a pattern the screen cannot check", pattern="^M[0-9]+$")
    monkeypatch.setattr(fastpath, "FIELDS", (*[f for f in FIELDS if f.name != "merchant_id"], patterned))
    with pytest.raises(fastpath.UnsupportedContract, match="merchant_id"):
        fastpath.screen_arguments(LIMIT)
    if fastpath.fraud_fastpath is not None:
        with caplog.at_level(logging.WARNING):
            assert fastpath.contract_screen(LIMIT) is None
        assert "native screen off" in caplog.text


def test_a_native_build_from_an_older_checkout_is_not_used(monkeypatch, caplog):
    class OldBuild:  # the classes are there, but not the API this checkout calls
        API_VERSION = native_build.API_VERSION - 1
        Screen = DedupWindow = object

    monkeypatch.setattr(fastpath, "fraud_fastpath", OldBuild)
    with caplog.at_level(logging.WARNING):
        assert fastpath.contract_screen(LIMIT) is None
    assert "out of date" in caplog.text and "make install rebuilds it" in caplog.text
    assert type(fastpath.new_dedup_window(5)) is DedupWindow
    assert MessageRouter(LIMIT).screen([], NOW) is None


def test_the_native_build_is_refused_without_its_api_version():
    assert "out of date" in unusable_reason(type("Unversioned", (), {}))
    assert "not installed" in unusable_reason(None)


def test_a_limit_in_fractions_of_a_cent_is_refused():
    with pytest.raises(fastpath.UnsupportedContract):
        fastpath.screen_arguments(Decimal("100.005"))


def test_micros_is_exact():
    assert fastpath.micros(datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=UTC)) == 1_000_005
    assert fastpath.micros(datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)) == -1


@native
def test_the_router_decides_alike_with_and_without_the_native_path():
    python, rust = MessageRouter(LIMIT, native=False), MessageRouter(LIMIT, native=True)
    assert not python.native and rust.native
    for message in workload(5000, seed=9):
        assert python.route(message.value, NOW) == rust.route(message.value, NOW)


# -- the dedup window ------------------------------------------------------------------------------------


@native
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from("abcde"), st.booleans()), max_size=80),
       st.integers(1, 12))
def test_native_dedup_window_answers_as_the_python_one(steps, span):
    python, rust = DedupWindow(span), fastpath.new_dedup_window(span)
    assert type(rust) is not DedupWindow
    offset = 0
    for gap, tid, peek in steps:
        offset += gap + 1
        if peek:
            assert rust.first_seen(offset, tid) == python.first_seen(offset, tid)
        else:
            assert rust.admit(offset, tid) == python.admit(offset, tid)
        assert len(rust) == len(python)


def test_without_the_native_path_the_window_is_pythons():
    assert type(fastpath.new_dedup_window(5, native=False)) is DedupWindow


def test_the_crates_own_unit_tests_pass():
    """The Rust unit tests (timestamp shapes, amounts, IPs, the JSON object reader) in the same run."""
    cargo = shutil.which("cargo") or str(Path.home() / ".cargo/bin/cargo")
    if not Path(cargo).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("cargo is missing in CI")
        pytest.skip("cargo is not installed")
    crate = Path(__file__).resolve().parents[2] / "native" / "fraud_fastpath"
    result = subprocess.run([cargo, "test", "--release", "--locked", "--quiet"], cwd=crate, capture_output=True,
                            text=True, env={**os.environ, "PYO3_PYTHON": sys.executable}, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


# -- the batch loop --------------------------------------------------------------------------------


def _batches(payloads: list[bytes | None], size: int, partitions: int = 3) -> list[list[Message]]:
    """Consecutive batches of `size`, spread over partitions whose offsets keep growing from batch
    to batch, as a consumer reads them (a rewound partition gets a new window)."""
    offsets = [0] * partitions
    messages = []
    for i, payload in enumerate(payloads):
        partition = i % partitions
        offsets[partition] += 1 + i % 2  # transaction markers leave gaps
        messages.append(Message(topic="raw", partition=partition, offset=offsets[partition], value=payload))
    return [messages[i:i + size] for i in range(0, len(messages), size)]


def _decisions(native: bool, batches: list[list[Message]], span: int) -> list:
    """decide_batch over consecutive batches, as comparable tuples."""
    router = MessageRouter(LIMIT, native=native)
    windows = {p: fastpath.new_dedup_window(span, router.native) for p in range(3)}
    out = []
    for records in batches:
        forward, rejected = decide_batch(router, records, NOW, windows)
        out.append(([(m.partition(), m.offset()) for m in forward],
                    [(r.message.partition(), r.message.offset(), r.violations, r.duplicate_of) for r in rejected]))
    return out


@native
def test_the_batch_loop_decides_alike_with_and_without_the_native_path():
    """Defects, resends, tombstones and oversized messages, in batches of 500."""
    payloads = [m.value for m in workload(5000, seed=9)] + [None]
    batches = _batches(payloads, 500)
    python, rust = _decisions(False, batches, 20_000), _decisions(True, batches, 20_000)
    assert python == rust
    assert sum(len(f) for f, _ in rust) > 4500 and any(d is not None for _, r in rust for *_x, d in r)


@native
@pytest.mark.parametrize("other", [None, DedupWindow(10)], ids=["missing", "python window"])
def test_a_batch_without_a_native_window_for_each_partition_is_refused_and_loses_no_window(other):
    """admit() lends the windows to its GIL-free walk; refusing the batch gives them back."""
    payloads = [msgspec.json.encode({**example_transaction(), "transaction_id": f"00000000-0000-4000-8000-00000000000{i}"})
                for i in range(4)]
    records = _batches(payloads, 4, partitions=2)[0]
    router = MessageRouter(LIMIT)
    kept = fastpath.new_dedup_window(10)
    assert kept.admit(0, "00000000-0000-4000-8000-00000000000f") is None
    windows = {0: kept} if other is None else {0: kept, 1: other}
    with pytest.raises(KeyError if other is None else TypeError):
        decide_batch(router, records, NOW, windows)
    assert kept.first_seen(1, "00000000-0000-4000-8000-00000000000f") == 0 and len(kept) == 1


@native
@PROPERTY
@given(st.lists(st.sampled_from(range(8)), min_size=1, max_size=60), st.integers(1, 30), st.integers(1, 25))
def test_the_batch_loop_keeps_the_windows_in_batch_order(picks, span, size):
    """Resends of ids the screen accepts and of ids only the reference accepts (an amount at the
    maximum), interleaved: the windows must see them in batch order either way."""
    at_max = msgspec.json.decode(msgspec.json.encode(example_transaction()))
    at_max["amount"] = float(LIMIT)
    pool = [msgspec.json.encode(example_transaction()), msgspec.json.encode(at_max), b"{not json", None]
    for tid in ("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"):
        pool += [msgspec.json.encode({**example_transaction(), "transaction_id": tid}),
                 msgspec.json.encode({**at_max, "transaction_id": tid})]
    payloads = [pool[i] for i in picks]
    batches = _batches(payloads, size)
    assert _decisions(True, batches, span) == _decisions(False, batches, span)
