"""validate(): reason-coded violations for every rule, all at once, never an exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from fraud_platform.contract import (
    CARD_PRESENT_CHANNELS,
    CHANNELS,
    COUNTRY_CODES,
    CURRENCY_CODES,
    DEVICE_TYPES,
    FIELD_NAMES,
    FIELDS,
    FRAUD_SCENARIOS,
    LABELLED_BY,
    MAX_MESSAGE_BYTES,
    MCC_CODES,
    NULL_WHEN,
    PAYMENT_METHODS,
    SCHEMA_VERSION,
    TRANSACTION_TYPES,
    Kind,
    Reason,
    Transaction,
    Violation,
    json_schema_validator,
    validate,
)
from fraud_platform.contract.rules import Context, _check_ip, _is_plain_ip, check_document, passes_semantics

from .contract_cases import INVALID, VALID, record

# Far after every generated event time, so future_timestamp (not expressible in JSON
# Schema) never fires unless a test asks for it.
LATE = datetime(2100, 1, 1, tzinfo=UTC)
LIMIT = Decimal("50000.00")
SCHEMA_VALIDATOR = json_schema_validator()
GENERIC = msgspec.json.Decoder(float_hook=float)
TYPED = msgspec.json.Decoder(Transaction)


def check(payload: bytes, now: datetime = LATE) -> list[Violation]:
    return validate(payload, max_amount=LIMIT, now=now)


def encode(doc: object) -> bytes:
    return json.dumps(doc).encode()


def reasons(violations: list[Violation]) -> set[tuple[str, Reason]]:
    return {(v.field, v.reason) for v in violations}


@pytest.mark.parametrize("name", VALID)
def test_valid_records_have_no_violations(name):
    assert check(encode(VALID[name])) == []


def test_typed_decode_of_a_valid_record():
    decoded = msgspec.json.decode(encode(VALID["example"]), type=Transaction)
    assert decoded.amount == 42.5 and decoded.ip_address is None and decoded.schema_version == SCHEMA_VERSION


@pytest.mark.parametrize("name", INVALID)
def test_each_invalid_record_reports_its_reason_on_its_field(name):
    case = INVALID[name]
    assert reasons(check(encode(case.record))) == {(case.field, case.reason)}


def test_three_problems_are_all_reported():
    doc = record(amount=-1, currency="XYZ", event_time="2024-05-01T14:34:56+02:00")
    assert reasons(check(encode(doc))) == {
        ("amount", Reason.NON_POSITIVE_AMOUNT),
        ("currency", Reason.BAD_CURRENCY_CODE),
        ("event_time", Reason.NON_UTC_TIMESTAMP),
    }


def test_problems_found_only_after_decoding_are_all_reported_too():
    # Each passes msgspec's typed decode; the extra checks must still report all of them.
    doc = record(amount=19.999, ip_address="203.0.113.7", fraud_scenario="card_testing")
    msgspec.json.decode(encode(doc), type=Transaction)
    assert reasons(check(encode(doc))) == {
        ("amount", Reason.INVALID_FORMAT),
        ("ip_address", Reason.INCONSISTENT_FIELDS),
        ("fraud_scenario", Reason.INCONSISTENT_FIELDS),
    }


def test_future_timestamp_beyond_clock_skew_tolerance():
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    at = lambda t: encode(record(event_time=t.isoformat().replace("+00:00", "Z")))  # noqa: E731
    assert check(at(now + timedelta(minutes=4)), now=now) == []
    assert reasons(check(at(now + timedelta(minutes=6)), now=now)) == {("event_time", Reason.FUTURE_TIMESTAMP)}


def test_amount_limit_comes_from_the_environment(monkeypatch):
    payload = encode(record(amount=150.0))
    monkeypatch.setenv("FRAUD_CONTRACT_MAX_AMOUNT", "100")
    assert reasons(validate(payload, now=LATE)) == {("amount", Reason.AMOUNT_OVER_LIMIT)}
    monkeypatch.delenv("FRAUD_CONTRACT_MAX_AMOUNT")
    assert validate(payload, now=LATE) == []


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b" " * (MAX_MESSAGE_BYTES + 1), Reason.OVERSIZED_MESSAGE),
        (encode(record(merchant_name="x" * MAX_MESSAGE_BYTES)), Reason.OVERSIZED_MESSAGE),
        (b'{"merchant_name": "caf\xe9"}', Reason.INVALID_UTF8),
        (b'{"amount": 1', Reason.MALFORMED_JSON),
        (b"", Reason.MALFORMED_JSON),
        (encode(record())[:-1] + b", }", Reason.MALFORMED_JSON),
        (b"NaN", Reason.MALFORMED_JSON),
        (b"[" * 5000 + b"]" * 5000, Reason.MALFORMED_JSON),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, Reason.MALFORMED_JSON),
        (b"[]", Reason.WRONG_TYPE),
        (b'"a string"', Reason.WRONG_TYPE),
    ],
    ids=["oversized", "oversized_record", "latin1", "truncated", "empty", "trailing_comma", "nan",
         "deep_array", "deep_object", "array", "string"],
)
def test_whole_message_failures_give_one_document_violation(payload, reason):
    (violation,) = check(payload)
    assert (violation.field, violation.reason) == ("$", reason)


def test_empty_object_reports_every_missing_field():
    assert reasons(check(b"{}")) == {(name, Reason.MISSING_REQUIRED_FIELD) for name in FIELD_NAMES}


def test_taxonomy_is_fully_exercised():
    seen = {case.reason for case in INVALID.values()}
    seen |= {Reason.FUTURE_TIMESTAMP, Reason.OVERSIZED_MESSAGE, Reason.INVALID_UTF8, Reason.MALFORMED_JSON}
    # Needs state across messages: detected downstream, never by validate().
    assert seen == set(Reason) - {Reason.DUPLICATE_TRANSACTION_ID}


def test_violations_encode_for_elasticsearch():
    doc = msgspec.json.decode(msgspec.json.encode(check(encode(record(currency="XYZ")))))
    assert doc == [{"reason": "bad_currency_code", "field": "currency", "message": "'XYZ' is not an allowed value"}]


# --- properties -------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)
PROPERTY_SETTINGS = settings(
    max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def valid_records(draw) -> dict:
    mcc = draw(st.sampled_from(sorted(MCC_CODES)))
    channel = draw(st.sampled_from(CHANNELS))
    is_fraud = draw(st.booleans())
    moment = draw(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC))
    )
    ip = st.none() | st.ip_addresses().map(str)
    return {
        "transaction_id": str(draw(st.uuids())),
        "event_time": moment.isoformat().replace("+00:00", draw(st.sampled_from(["Z", "+00:00"]))),
        "customer_id": draw(st.text(min_size=1, max_size=64)),
        "card_id": draw(st.text(min_size=1, max_size=64)),
        "terminal_id": draw(st.text(min_size=1, max_size=64)),
        "merchant_id": draw(st.text(min_size=1, max_size=64)),
        "merchant_name": draw(st.text(min_size=1, max_size=200)),
        "mcc": mcc,
        "merchant_category": MCC_CODES[mcc],
        "amount": draw(st.integers(1, 5_000_000)) / 100,
        "currency": draw(st.sampled_from(sorted(CURRENCY_CODES))),
        "transaction_type": draw(st.sampled_from(TRANSACTION_TYPES)),
        "payment_method": draw(st.sampled_from(PAYMENT_METHODS)),
        "channel": channel,
        "device_type": draw(st.sampled_from(DEVICE_TYPES)),
        "device_id": draw(st.text(min_size=1, max_size=64)),
        "ip_address": None if channel in CARD_PRESENT_CHANNELS else draw(ip),
        "country": draw(st.sampled_from(sorted(COUNTRY_CODES))),
        "customer_country": draw(st.sampled_from(sorted(COUNTRY_CODES))),
        "city": draw(st.text(min_size=1, max_size=100)),
        "latitude": draw(st.floats(-90, 90)),
        "longitude": draw(st.floats(-180, 180)),
        "is_fraud": is_fraud,
        "fraud_scenario": draw(st.none() | st.sampled_from(FRAUD_SCENARIOS)) if is_fraud else None,
        "schema_version": SCHEMA_VERSION,
    }


# Fields in cross-field rules: swapping one between valid records breaks the rule often.
LINKED_FIELDS = sorted(
    {name for rule in NULL_WHEN for name in (rule.field, rule.when)}
    | {name for rule in LABELLED_BY for name in (rule.field, rule.code)}
)

# Values that are wrong in interesting, near-valid ways, besides arbitrary JSON.
numbers = st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0, -0.0, 0.001, 0.01, 19.999, 50000.0, 50000.01, 1e300, 90.0, 90.000001, -180.0, -180.5, 1, 2]
)
texts = st.text(max_size=80) | st.sampled_from(
    ["", " ", "x" * 65, "x" * 201, "EUR", "eur", "XK", "FR", "pos", "atm", "5411", "6011", "card_testing",
     "Hospitals", "2024-05-01T12:00:00Z", "2024-05-01T12:00:00+02:00", "2024-02-30T00:00:00Z",
     "2024-05-01T12:00:00.1234567Z", "203.0.113.7", "::1", "fe80::1%1", "1.2.3.4.5",
     "0b6f9a52-3c1e-4f7a-9d2b-5e8c1a4f7b30", "0b6f9a52-3c1e-4f7a-9d2b-5e8c1a4f7bzz", "0b6f9a523c1e4f7a9d2b5e8c1a4f7b30"]
)
MUTATIONS = ["json", "number", "text", "same_field", "linked", "any_field", "drop", "add"]
# Typed mutations aim at fields of that JSON type, where they hit bounds and formats, not types.
TARGETS = {
    "number": [f.name for f in FIELDS if f.kind in (Kind.MONEY, Kind.DOUBLE, Kind.INTEGER)],
    "text": [f.name for f in FIELDS if f.kind in (Kind.UUID, Kind.STRING, Kind.TIMESTAMP, Kind.IP)],
    "linked": LINKED_FIELDS,
}


@st.composite
def mutated_records(draw) -> dict:
    doc, other = draw(valid_records()), draw(valid_records())
    # Mostly one change: a single break is what exposes a rule one side lacks.
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3, 0]))):
        action = draw(st.sampled_from(MUTATIONS))
        name = draw(st.sampled_from(TARGETS.get(action, FIELD_NAMES)))
        if action == "json":
            doc[name] = draw(json_values)
        elif action == "number":
            doc[name] = draw(numbers)
        elif action == "text":
            doc[name] = draw(texts)
        elif action in ("same_field", "linked"):  # each value valid, the combination maybe not
            doc[name] = other[name]
        elif action == "any_field":  # right JSON type, wrong domain (a city as a currency)
            doc[name] = other[draw(st.sampled_from(FIELD_NAMES))]
        elif action == "drop":
            doc.pop(name, None)
        else:
            doc[draw(st.text(max_size=10).filter(lambda k: k not in FIELD_NAMES))] = draw(json_values)
    return doc


@PROPERTY_SETTINGS
@given(st.binary(max_size=512) | json_values.map(encode) | mutated_records().map(encode))
def test_validate_never_raises_and_returns_violations(payload):
    result = validate(payload, max_amount=LIMIT)
    assert isinstance(result, list) and all(isinstance(v, Violation) for v in result)


@PROPERTY_SETTINGS
@given(mutated_records())
def test_validate_agrees_with_the_json_schema(doc):
    # JSON Schema's data model makes 1.0 the integer 1; validate() wants a JSON integer.
    assume(not isinstance(doc.get("schema_version"), float))
    payload = encode(doc)
    assert (check(payload) == []) == SCHEMA_VALIDATOR.is_valid(json.loads(payload))


@PROPERTY_SETTINGS
@given(mutated_records())
def test_fast_path_reports_what_the_full_rules_report(doc):
    # The msgspec Struct and the rule engine must agree, or the fast path would accept
    # (or the slow path would fail to explain) a record the other rejects.
    payload = encode(doc)
    full = check_document(GENERIC.decode(payload), Context(LIMIT, LATE))
    assert check(payload) == full


@pytest.mark.parametrize("amount", [50001, 50001.0, 10**400])
def test_an_amount_is_worded_alike_on_both_paths(amount):
    # The fast path sees a float, the slow path the JSON integer: found by the property above.
    payload = encode({**record(), "amount": amount})
    assert check(payload) == check_document(GENERIC.decode(payload), Context(LIMIT, LATE))
    assert [v.reason for v in check(payload)] == [Reason.AMOUNT_OVER_LIMIT]


@PROPERTY_SETTINGS
@given(mutated_records(), st.sampled_from([LATE, datetime(2050, 6, 15, 12, tzinfo=UTC)]))
def test_quick_semantic_answer_matches_the_named_rules(doc, now):
    # passes_semantics is the validator's hot path; check_document explains its "no".
    try:
        typed = TYPED.decode(encode(doc))
    except msgspec.ValidationError:
        assume(False)
    ctx = Context(LIMIT, now)
    assert passes_semantics(typed, ctx) == (check_document(msgspec.structs.asdict(typed), ctx, shape_checked=True) == [])


IP_EDGE_CASES = ["::1", "1.2.3.4", "01.2.3.4", "::ffff:1.2.3.4", "::ffff:01.2.3.4", "1::", "::", "1:2:3:4:5:6:7:8",
                 "1:2:3:4:5:6:7:8:9", "fe80::1%1", "fe80::1%eth0", "1.2.3", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4",
                 "\u0661.2.3.4", "0.0.0.0", "::00001", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "0x1.2.3.4",
                 "1.2.3.4\x00", "", "1.2.3.4/32", "[::1]", "2001:db8::1"]


@pytest.mark.parametrize("value", IP_EDGE_CASES)
def test_quick_ip_check_agrees_with_ipaddress(value):
    assert _is_plain_ip(value) == (_check_ip("ip_address", value) is None)


@PROPERTY_SETTINGS
@given(st.ip_addresses().map(str) | st.text(alphabet="0123456789abcdefABCDEF:.%x ", max_size=45))
def test_quick_ip_check_agrees_with_ipaddress_on_random_text(value):
    assert _is_plain_ip(value) == (_check_ip("ip_address", value) is None)
