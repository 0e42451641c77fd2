"""Hostile payloads: random bytes, random JSON, mutated valid records, huge numbers, deep nesting,
oversized messages. As hypothesis strategies, and as a seeded list for an end-to-end batch."""

from __future__ import annotations

import random

import msgspec
from hypothesis import strategies as st

from fraud_platform.contract import FIELD_NAMES, MAX_MESSAGE_BYTES, example_transaction

_EXAMPLE = example_transaction()

json_scalars = st.none() | st.booleans() | st.integers(min_value=-(10**400), max_value=10**400) | st.floats(
    allow_nan=False) | st.text(max_size=300)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
    st.text(max_size=20), inner, max_size=5), max_leaves=20)


def _encode(value: object) -> bytes:
    return msgspec.json.encode(value)


@st.composite
def mutated_records(draw) -> bytes:
    record = dict(_EXAMPLE)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from([*FIELD_NAMES, "extra"]))
        if draw(st.booleans()):
            record.pop(name, None)
        else:
            record[name] = draw(json_values)
    return _encode(record)


@st.composite
def byte_mutations(draw) -> bytes:
    data = bytearray(_encode(_EXAMPLE))
    for _ in range(draw(st.integers(1, 5))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and position < len(data):
            data[position] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[position:]
        else:
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


deep_nesting = st.integers(1, 200_000).map(lambda depth: b"[" * depth + b"]" * depth) | st.integers(1, 5000).map(
    lambda depth: b'{"a":' * depth + b"1" + b"}" * depth)
oversized = st.integers(MAX_MESSAGE_BYTES - 10, MAX_MESSAGE_BYTES + 5000).map(
    lambda size: b'{"merchant_name": "' + b"x" * size + b'"}')
huge_numbers = st.sampled_from(["amount", "latitude", "schema_version", "mcc"]).flatmap(
    lambda name: st.sampled_from(["1e400", "-1e400", "9" * 400, "1e-400", "123456789012345678901234567890"]).map(
        lambda number: _encode(_EXAMPLE).replace(
            f'"{name}":{_encode(_EXAMPLE[name]).decode()}'.encode(), f'"{name}":{number}'.encode())))

payloads = (st.binary(max_size=2000) | json_values.map(_encode) | mutated_records() | byte_mutations()
            | deep_nesting | oversized | huge_numbers | st.just(_encode(_EXAMPLE)))


def seeded_payloads(n: int, seed: int) -> list[bytes]:
    """A reproducible hostile batch without hypothesis (for producing through Kafka)."""
    rng = random.Random(seed)
    base = _encode(_EXAMPLE)
    makers = [
        lambda: rng.randbytes(rng.randint(0, 500)),
        lambda: base[: rng.randint(0, len(base))],
        lambda: base.replace(b'"amount":42.5', f'"amount":{rng.choice(["1e400", "9" * 300, "-0", "0.001"])}'.encode()),
        lambda: b"[" * rng.randint(1, 50_000) + b"]" * rng.randint(0, 50_000),
        lambda: b'{"city": "' + b"\xc3\xa9" * rng.randint(30_000, 40_000) + b'"}',
        lambda: _encode({**_EXAMPLE, rng.choice(FIELD_NAMES): rng.choice([None, [], {}, "", 1.5, True, "é"])}),
        lambda: base.replace(b'"C000042"', b'"\\ud800\\udfff\\u0000"'),
        lambda: base,
    ]
    return [rng.choice(makers)() for _ in range(n)]
