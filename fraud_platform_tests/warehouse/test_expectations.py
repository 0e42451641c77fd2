"""The contract-derived GX suite passes on contract rows and names what injected bad rows break."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from fraud_platform.warehouse.expectations import QualityBounds, transaction_expectations
from fraud_platform.warehouse.gx_validation import validate_frame
from fraud_platform_tests.warehouse.data import day_rows

DAY = date(2024, 5, 1)
BOUNDS = QualityBounds(max_fraud_rate=0.05)


def _frame(rows):
    frame = pd.DataFrame(rows)
    frame["amount"] = frame["amount"].astype(object)  # Decimals, as Snowflake returns NUMBER
    return frame


@pytest.fixture(scope="module")
def expectations():
    return transaction_expectations(BOUNDS)


def test_contract_rows_pass(expectations):
    summary = validate_frame(_frame(day_rows(DAY, 40)), expectations, "good")
    assert summary.success, summary.failed
    assert summary.evaluated == len(expectations) and summary.failed == []


def test_injected_bad_rows_are_named_with_their_counts(expectations):
    rows = day_rows(DAY, 40)
    rows[1]["country"] = "ZZ"
    rows[2]["amount"] = Decimal("-5.00")
    rows[3]["latitude"] = 123.0
    rows[4]["transaction_id"] = rows[5]["transaction_id"]
    rows[6]["merchant_name"] = "x" * 201
    summary = validate_frame(_frame(rows), expectations, "bad")
    assert not summary.success
    assert summary.unexpected_counts == {
        "expect_column_values_to_be_in_set(country)": 1,
        "expect_column_values_to_be_between(amount)": 1,
        "expect_column_values_to_be_between(latitude)": 1,
        "expect_column_values_to_be_unique(transaction_id)": 2,
        "expect_column_value_lengths_to_be_between(merchant_name)": 1,
    }


def test_fraud_rate_and_median_amount_bounds(expectations):
    summary = validate_frame(_frame(day_rows(DAY, 40, frauds=10)), expectations, "fraud")
    assert summary.failed == ["expect_column_mean_to_be_between(is_fraud)"]
    rows = day_rows(DAY, 40)
    for row in rows:
        row["amount"] = Decimal("4000.00")
    summary = validate_frame(_frame(rows), expectations, "median")
    assert summary.failed == ["expect_column_median_to_be_between(amount)"]


def test_column_set_is_checked(expectations):
    summary = validate_frame(_frame(day_rows(DAY, 10)).drop(columns=["is_night"]), expectations, "columns")
    assert "expect_table_columns_to_match_set(table)" in summary.failed
