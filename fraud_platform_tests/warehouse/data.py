"""Test data: processed rows (contract example variations plus derived columns), written as the
lake's processed Parquet and raw JSON lines, with Arrow types derived from the contract."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from fraud_platform.contract import FIELDS, Kind, example_transaction
from fraud_platform.lake.layout import PROCESSED_PREFIX, RAW_PREFIX, day_prefix
from fraud_platform.lake.processed_columns import PROCESSED_COLUMN_NAMES

_ARROW = {
    Kind.UUID: pa.string(), Kind.STRING: pa.string(), Kind.IP: pa.string(),
    Kind.TIMESTAMP: pa.timestamp("us", tz="UTC"), Kind.MONEY: pa.decimal128(12, 2),
    Kind.DOUBLE: pa.float64(), Kind.BOOLEAN: pa.bool_(), Kind.INTEGER: pa.int32(),
}
PROCESSED_SCHEMA = pa.schema(
    [pa.field(f.name, _ARROW[f.kind]) for f in FIELDS]
    + [
        ("event_date", pa.date32()), ("amount_reporting", pa.decimal128(14, 2)), ("reporting_currency", pa.string()),
        ("event_hour", pa.int32()), ("event_weekday", pa.int32()), ("is_night", pa.bool_()),
        ("is_weekend", pa.bool_()), ("is_cross_border", pa.bool_()),
    ]
)
assert tuple(PROCESSED_SCHEMA.names) == PROCESSED_COLUMN_NAMES

CUSTOMERS = 7
MERCHANTS = 5


def processed_row(day: date, n: int, *, fraud: bool = False) -> dict[str, Any]:
    """The n-th transaction of `day`: the contract example with varied ids, time and amount."""
    row = example_transaction()
    moment = datetime.combine(day, time(0), tzinfo=timezone.utc) + timedelta(minutes=37 * n)
    amount = Decimal(10 + (n * 7) % 90) + Decimal("0.25")
    row |= {
        "transaction_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{day}/{n}")),
        "event_time": moment,
        "customer_id": f"C{n % CUSTOMERS:06d}",
        "card_id": f"K{n % CUSTOMERS:06d}-01",
        "merchant_id": f"M{n % MERCHANTS:06d}",
        "amount": amount,
        "transaction_type": ("purchase", "payment", "refund")[n % 3],
        "is_fraud": fraud,
        "fraud_scenario": "card_testing" if fraud else None,
        "event_date": day,
        "amount_reporting": amount,
        "reporting_currency": "EUR",
        "event_hour": moment.hour,
        "event_weekday": moment.isoweekday(),
        "is_night": moment.hour <= 6,
        "is_weekend": moment.isoweekday() >= 6,
        "is_cross_border": row["country"] != row["customer_country"],
    }
    return row


def day_rows(day: date, count: int = 30, frauds: int = 1) -> list[dict[str, Any]]:
    return [processed_row(day, n, fraud=n < frauds) for n in range(count)]


def write_processed(lake_root: Path, day: date, rows: list[dict[str, Any]], part: int = 0) -> Path:
    directory = lake_root / day_prefix(PROCESSED_PREFIX, day)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"part-{part:05d}.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=PROCESSED_SCHEMA), path)
    return path


def write_raw(lake_root: Path, day: date, rows: list[dict[str, Any]], name: str = "p+0+0000000000") -> Path:
    """Landed JSON lines of contract fields only, as the lander writes them."""
    directory = lake_root / day_prefix(RAW_PREFIX, day)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"validated-transactions+{name}.jsonl.gz"
    contract_names = [f.name for f in FIELDS]
    with gzip.open(path, "wt") as out:
        for row in rows:
            record = {k: row[k] for k in contract_names}
            record["event_time"] = row["event_time"].isoformat().replace("+00:00", "Z")
            record["amount"] = float(row["amount"])
            out.write(json.dumps(record) + "\n")
    return path
