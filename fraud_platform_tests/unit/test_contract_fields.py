"""The contract definition itself: the fields the issue asks for, code lists, limits, purity."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from fraud_platform.contract import (
    COUNTRY_CODES,
    CURRENCY_CODES,
    FIELD_NAMES,
    FIELDS,
    FIELDS_BY_NAME,
    LABELLED_BY,
    MAX_AMOUNT_ENV,
    MCC_CODES,
    NULL_WHEN,
    Kind,
    max_amount,
)

# The issue's list; merchant_category is carried as `mcc` (code) plus `merchant_category` (label).
ISSUE_FIELDS = {
    "transaction_id": Kind.UUID,
    "event_time": Kind.TIMESTAMP,
    "customer_id": Kind.STRING,
    "card_id": Kind.STRING,
    "terminal_id": Kind.STRING,
    "merchant_id": Kind.STRING,
    "merchant_name": Kind.STRING,
    "mcc": Kind.STRING,
    "merchant_category": Kind.STRING,
    "amount": Kind.MONEY,
    "currency": Kind.STRING,
    "transaction_type": Kind.STRING,
    "payment_method": Kind.STRING,
    "channel": Kind.STRING,
    "device_type": Kind.STRING,
    "device_id": Kind.STRING,
    "ip_address": Kind.IP,
    "country": Kind.STRING,
    "customer_country": Kind.STRING,
    "city": Kind.STRING,
    "latitude": Kind.DOUBLE,
    "longitude": Kind.DOUBLE,
    "is_fraud": Kind.BOOLEAN,
    "fraud_scenario": Kind.STRING,
    "schema_version": Kind.INTEGER,
}


def test_contract_has_exactly_the_issue_fields_with_their_kinds():
    assert {f.name: f.kind for f in FIELDS} == ISSUE_FIELDS
    assert len(FIELD_NAMES) == len(FIELDS)  # names are unique


def test_only_ip_address_and_fraud_scenario_may_be_null():
    assert {f.name for f in FIELDS if not f.not_null} == {"ip_address", "fraud_scenario"}


def test_closed_value_sets_are_the_issue_ones():
    values = {f.name: set(f.values) for f in FIELDS if f.values is not None}
    assert values["transaction_type"] == {"purchase", "withdrawal", "transfer", "refund", "payment"}
    assert values["payment_method"] == {"chip", "swipe", "contactless", "online", "wallet"}
    assert values["channel"] == {"pos", "ecommerce", "atm", "mobile_app"}
    assert values["device_type"] == {"mobile", "desktop", "tablet", "pos_terminal", "atm"}
    assert values["fraud_scenario"] == {
        "amount_threshold", "compromised_terminal", "compromised_card", "account_takeover", "card_testing",
    }
    assert values["currency"] == set(CURRENCY_CODES)
    assert values["country"] == values["customer_country"] == set(COUNTRY_CODES)
    assert values["mcc"] == set(MCC_CODES)
    assert values["merchant_category"] == set(MCC_CODES.values())
    assert values["schema_version"] == {1}


def test_cross_field_rules_refer_to_contract_fields():
    for rule in NULL_WHEN:
        assert FIELDS_BY_NAME[rule.field].nullable
        assert set(rule.values) <= set(FIELDS_BY_NAME[rule.when].values or (True, False))
    for rule in LABELLED_BY:
        assert set(rule.labels) == set(FIELDS_BY_NAME[rule.code].values)


def test_mcc_codes_are_four_digit_strings_with_labels():
    assert len(MCC_CODES) >= 20
    assert all(len(code) == 4 and code.isascii() and code.isdigit() and label for code, label in MCC_CODES.items())


def test_code_lists_have_iso_shape_and_size():
    assert len(COUNTRY_CODES) == 249  # every officially assigned ISO 3166-1 alpha-2 code
    assert all(len(c) == 2 and c.isascii() and c.isupper() for c in COUNTRY_CODES)
    assert all(len(c) == 3 and c.isascii() and c.isupper() for c in CURRENCY_CODES)
    assert {"USD", "EUR", "GBP", "JPY", "CHF", "XOF"} <= CURRENCY_CODES
    assert not {"XAU", "XTS", "XXX", "XDR", "GGP", "NIS"} & CURRENCY_CODES


def test_code_lists_agree_with_cldr():
    babel = pytest.importorskip("babel")
    from babel.core import get_global
    from babel.numbers import list_currencies

    # CLDR regions include non-ISO ones (EU, UN, XK, ...); all 249 ISO codes are there.
    cldr_regions = {r for r in babel.Locale("en").territories if len(r) == 2 and r.isalpha()}
    assert COUNTRY_CODES <= cldr_regions
    assert cldr_regions - COUNTRY_CODES == {
        "AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ",
    }
    # Every currency some country uses as legal tender today is accepted, and every
    # accepted code is a real ISO 4217 code.
    tender = {
        code
        for spans in get_global("territory_currencies").values()
        for code, _start, end, is_tender in spans
        if end is None and is_tender
    }
    assert tender <= CURRENCY_CODES <= set(list_currencies())


def test_faker_codes_that_are_iso_are_accepted():
    # The generator uses Faker: its country codes must all pass the contract.
    from faker.providers.address import Provider

    assert set(Provider.alpha_2_country_codes) <= COUNTRY_CODES


def test_max_amount_defaults_to_50000_and_reads_the_environment():
    assert max_amount({}) == Decimal("50000.00")
    assert max_amount({MAX_AMOUNT_ENV: " 1234.5 "}) == Decimal("1234.5")


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "10.001", "1e10", "NaN", "Infinity"])
def test_max_amount_rejects_values_no_sink_can_store(raw):
    with pytest.raises(ValueError, match=MAX_AMOUNT_ENV):
        max_amount({MAX_AMOUNT_ENV: raw})


def test_contract_imports_without_dagster_spark_or_jsonschema():
    code = (
        "import sys, fraud_platform.contract as c; c.validate(b'{}'); c.json_schema(); c.duckdb_ddl('t');"
        "c.snowflake_ddl('t'); c.elasticsearch_mapping();"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dagster', 'pyspark', 'jsonschema'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
