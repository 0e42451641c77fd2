"""The derived JSON Schema agrees with the contract: every field, type, bound and rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from fraud_platform.contract import FIELDS, LABELLED_BY, Kind, example_transaction, json_schema, json_schema_validator

from .contract_cases import INVALID, VALID, record

SCHEMA = json_schema()
VALIDATOR = json_schema_validator(SCHEMA)

JSON_TYPES = {
    Kind.UUID: "string",
    Kind.STRING: "string",
    Kind.TIMESTAMP: "string",
    Kind.IP: "string",
    Kind.MONEY: "number",
    Kind.DOUBLE: "number",
    Kind.BOOLEAN: "boolean",
    Kind.INTEGER: "integer",
}


def test_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["additionalProperties"] is False


def test_every_field_with_its_type_requiredness_and_values():
    assert list(SCHEMA["properties"]) == [f.name for f in FIELDS]
    assert SCHEMA["required"] == [f.name for f in FIELDS if f.required]
    for field in FIELDS:
        prop = SCHEMA["properties"][field.name]
        expected_type = [JSON_TYPES[field.kind], "null"] if field.nullable else JSON_TYPES[field.kind]
        assert prop["type"] == expected_type, field.name
        if field.values is not None:
            assert set(prop["enum"]) == set(field.values) | ({None} if field.nullable else set())


def test_formats_and_numeric_bounds():
    props = SCHEMA["properties"]
    assert props["transaction_id"]["format"] == "uuid"
    assert props["event_time"]["format"] == "date-time"
    assert {"format": "ipv4"} in props["ip_address"]["anyOf"]
    amount = props["amount"]
    assert (amount["exclusiveMinimum"], amount["maximum"], amount["multipleOf"]) == (0, 50000.0, 0.01)
    assert (props["latitude"]["minimum"], props["latitude"]["maximum"]) == (-90, 90)
    assert (props["longitude"]["minimum"], props["longitude"]["maximum"]) == (-180, 180)


def test_example_is_valid_even_for_the_stock_validator():
    assert SCHEMA["examples"] == [example_transaction()]
    stock = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(stock.iter_errors(example_transaction())) == []


@pytest.mark.parametrize("name", VALID)
def test_valid_records_pass(name):
    assert [e.message for e in VALIDATOR.iter_errors(VALID[name])] == []


@pytest.mark.parametrize("name", INVALID)
def test_each_invalid_record_is_rejected(name):
    assert not VALIDATOR.is_valid(INVALID[name].record)


def test_every_mcc_label_pair_is_enforced():
    (rule,) = LABELLED_BY
    labels = list(rule.labels.items())
    for (code, label), (_, other_label) in zip(labels, labels[1:] + labels[:1]):
        assert VALIDATOR.is_valid(record(mcc=code, merchant_category=label))
        assert not VALIDATOR.is_valid(record(mcc=code, merchant_category=other_label))


def test_maximum_follows_the_configured_limit(monkeypatch):
    monkeypatch.setenv("FRAUD_CONTRACT_MAX_AMOUNT", "100.00")
    schema = json_schema()
    assert schema["properties"]["amount"]["maximum"] == 100.0
    assert not json_schema_validator(schema).is_valid(record(amount=100.01))
    assert json_schema(max_amount=Decimal("200"))["properties"]["amount"]["maximum"] == 200.0


def test_whole_cents_check_is_exact():
    # The stock validator's float division wrongly rejects 19.99 (19.99 / 0.01 = 1998.9999...).
    assert not Draft202012Validator(SCHEMA).is_valid(record(amount=19.99))
    assert VALIDATOR.is_valid(record(amount=19.99))
    assert not VALIDATOR.is_valid(record(amount=19.991))
