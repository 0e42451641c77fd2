"""The Great Expectations 1.x suite of a day of transactions, derived from the contract.

Column set, not-null, value sets, lengths, ranges and uniqueness come from the contract's
FIELDS (and the processed stage's derived columns); the fraud-rate and median-amount bounds
are configured (FRAUD_QUALITY_*), because they describe the business, not the schema.
GX is imported inside the functions: importing it takes seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fraud_platform.contract import FIELDS, Kind, max_amount
from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES
from fraud_platform.settings import QualitySettings


@dataclass(frozen=True)
class QualityBounds:
    min_fraud_rate: float = 0.0
    max_fraud_rate: float = 0.05
    min_median_amount: float = 1.0
    max_median_amount: float = 1000.0
    max_amount: Decimal = Decimal("50000.00")

    @classmethod
    def from_settings(cls, quality: QualitySettings) -> QualityBounds:
        return cls(
            min_fraud_rate=float(quality.min_fraud_rate), max_fraud_rate=float(quality.max_fraud_rate),
            min_median_amount=float(quality.min_median_amount), max_median_amount=float(quality.max_median_amount),
            max_amount=max_amount(),
        )


def transaction_expectations(bounds: QualityBounds, columns: Sequence[str] = PROCESSED_COLUMN_NAMES) -> list[Any]:
    import great_expectations as gx

    e = gx.expectations
    out: list[Any] = [e.ExpectTableColumnsToMatchSet(column_set=list(columns), exact_match=True)]
    for f in FIELDS:
        if f.not_null:
            out.append(e.ExpectColumnValuesToNotBeNull(column=f.name))
        if f.values is not None:
            out.append(e.ExpectColumnValuesToBeInSet(column=f.name, value_set=list(f.values)))
        elif f.kind in (Kind.STRING, Kind.UUID, Kind.IP) and f.max_length is not None:
            out.append(
                e.ExpectColumnValueLengthsToBeBetween(column=f.name, min_value=f.min_length, max_value=f.max_length)
            )
        if f.minimum is not None or f.maximum is not None:
            out.append(e.ExpectColumnValuesToBeBetween(column=f.name, min_value=f.minimum, max_value=f.maximum))
        if f.kind is Kind.MONEY:
            out.append(e.ExpectColumnValuesToBeBetween(
                column=f.name, min_value=0, strict_min=True, max_value=float(bounds.max_amount)
            ))
    out += [
        e.ExpectColumnValuesToBeUnique(column="transaction_id"),
        e.ExpectColumnValuesToNotBeNull(column="event_date"),
        e.ExpectColumnValuesToBeBetween(column="event_hour", min_value=0, max_value=23),
        e.ExpectColumnValuesToBeBetween(column="event_weekday", min_value=1, max_value=7),
        e.ExpectColumnMeanToBeBetween(
            column="is_fraud", min_value=bounds.min_fraud_rate, max_value=bounds.max_fraud_rate
        ),
        e.ExpectColumnMedianToBeBetween(
            column="amount", min_value=bounds.min_median_amount, max_value=bounds.max_median_amount
        ),
    ]
    return out
