"""The derived Elasticsearch mapping covers exactly the contract fields with compatible types."""

from __future__ import annotations

import json

from fraud_platform.contract import FIELDS, Kind, elasticsearch_mapping

COMPATIBLE = {
    Kind.UUID: {"keyword"},
    Kind.STRING: {"keyword"},
    Kind.IP: {"ip"},
    Kind.TIMESTAMP: {"date", "date_nanos"},
    Kind.MONEY: {"double"},
    Kind.DOUBLE: {"double"},
    Kind.BOOLEAN: {"boolean"},
    Kind.INTEGER: {"integer", "short", "long"},
}


def test_properties_are_exactly_the_contract_fields_with_compatible_types():
    properties = elasticsearch_mapping()["properties"]
    assert list(properties) == [f.name for f in FIELDS]
    for field in FIELDS:
        assert properties[field.name]["type"] in COMPATIBLE[field.kind], field.name


def test_raw_invalid_values_cannot_reject_a_document():
    # Every non-keyword field tolerates malformed values; keywords tolerate huge strings.
    for name, prop in elasticsearch_mapping()["properties"].items():
        if prop["type"] == "keyword":
            assert prop["ignore_above"] > 0, name
        else:
            assert prop["ignore_malformed"] is True, name


def test_amount_is_numeric_and_mapping_is_closed_and_serialisable():
    mapping = elasticsearch_mapping()
    # double, not scaled_float: the integ-test distribution lacks the mapper-extras module.
    assert mapping["properties"]["amount"]["type"] == "double"
    assert mapping["dynamic"] is False
    assert json.loads(json.dumps(mapping)) == mapping
