"""Replay a CSV or Parquet file of real transactions as contract messages.

Source columns are mapped onto contract fields (`--columns` preset and/or `--map
SOURCE=field`); values are converted to the contract's types, and every required field
the file lacks gets a documented, deterministic default, so a replayed message is valid
unless a source value itself breaks the contract (such rows are still sent, faithfully,
and counted in the summary under the reason validate() gives).

Conversions: transaction_id keeps a source UUID, otherwise it is uuid5(REPLAY_NAMESPACE,
source value) (no column: uuid5 of "<file name>:<row number>"); event_time accepts
timestamps (naive ones are taken as UTC) or numbers of seconds after `time_origin`; ids
become strings; amount is rounded to cents; is_fraud accepts 1/0, true/false, yes/no;
fraud_scenario goes through the preset's code table, and is null when is_fraud is false.

Defaults (DEFAULTS below; {x} is another field's final value):
  customer_id  "C-UNKNOWN"          card_id     "K-{customer_id}" (one card per customer)
  terminal_id  "T-UNKNOWN"          merchant_id "M-{terminal_id}"
  merchant_name "Merchant {merchant_id}"
  mcc "5999" and its label          currency / country / customer_country: --currency, --country (EUR, BE)
  city "Brussels", latitude 50.8503, longitude 4.3517 (with the default country)
  transaction_type "purchase", payment_method "chip", channel "pos",
  device_type "pos_terminal", device_id "POS-{terminal_id}", ip_address null,
  is_fraud false, fraud_scenario null, schema_version 1.
event_time and amount have no default: a file without them cannot be replayed.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pandas as pd
from tqdm import tqdm

from fraud_platform.contract import FIELD_NAMES, MCC_CODES, SCHEMA_VERSION, validate

from .codes import SCENARIOS
from .pacing import Pacer
from .sinks import Sink
from .summary import Summary

REPLAY_NAMESPACE = uuid.UUID("5f1c3a4e-8d0b-4c39-9a51-2e7f6b0d4c21")
BATCH_ROWS = 50_000
REQUIRED_SOURCES = ("event_time", "amount")


@dataclass(frozen=True)
class ColumnMapping:
    columns: dict[str, str]  # source column -> contract field
    scenario_codes: dict[str, str | None] = field(default_factory=dict)  # source value -> scenario
    time_origin: str | None = None  # numeric event times are seconds after this (default: epoch)


COLUMN_PRESETS = {
    # Fraud Detection Handbook simulated data (simulated-data-raw).
    "handbook": ColumnMapping(
        columns={
            "TRANSACTION_ID": "transaction_id",
            "TX_DATETIME": "event_time",
            "CUSTOMER_ID": "customer_id",
            "TERMINAL_ID": "terminal_id",
            "TX_AMOUNT": "amount",
            "TX_FRAUD": "is_fraud",
            "TX_FRAUD_SCENARIO": "fraud_scenario",
        },
        scenario_codes={"0": None, "1": "amount_threshold", "2": "compromised_terminal", "3": "compromised_card"},
    ),
    # ULB / Kaggle "creditcard.csv" (European cardholders, September 2013): Time is
    # seconds after the first transaction; V1..V28 have no contract field and are ignored.
    "ulb-creditcard": ColumnMapping(
        columns={"Time": "event_time", "Amount": "amount", "Class": "is_fraud"},
        time_origin="2013-09-01T00:00:00+00:00",
    ),
}


@dataclass(frozen=True)
class Place:
    currency: str = "EUR"
    country: str = "BE"
    city: str = "Brussels"
    latitude: float = 50.8503
    longitude: float = 4.3517


DEFAULTS: dict[str, Any] = {
    "customer_id": "C-UNKNOWN",
    "card_id": "K-{customer_id}",
    "terminal_id": "T-UNKNOWN",
    "merchant_id": "M-{terminal_id}",
    "merchant_name": "Merchant {merchant_id}",
    "mcc": "5999",
    "transaction_type": "purchase",
    "payment_method": "chip",
    "channel": "pos",
    "device_type": "pos_terminal",
    "device_id": "POS-{terminal_id}",
    "ip_address": None,
    "is_fraud": False,
    "fraud_scenario": None,
}
_TRUE = {"1", "true", "t", "yes", "y", "1.0"}


def read_batches(path: Path) -> Iterator[pd.DataFrame]:
    """The file in batches of BATCH_ROWS rows; CSV values as strings (ids keep leading zeros)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
            yield batch.to_pandas()
    else:
        yield from pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=BATCH_ROWS)


def _event_times(values: pd.Series, origin: str | None) -> list[str]:
    if pd.api.types.is_datetime64_any_dtype(values):
        moments = pd.to_datetime(values, utc=True)
    else:
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.notna().all():
            start = pd.Timestamp(origin or "1970-01-01T00:00:00+00:00")
            moments = start + pd.to_timedelta(numeric, unit="s")
        else:
            moments = pd.to_datetime(values, utc=True, format="ISO8601")
    as_us = moments.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[us]")
    return [text + "Z" for text in np.datetime_as_string(as_us, unit="us").tolist()]


def _transaction_id(value: object, fallback: str) -> str:
    text = str(value) if value is not None else ""
    try:
        return str(uuid.UUID(text)) if len(text) == 36 else str(uuid.uuid5(REPLAY_NAMESPACE, text or fallback))
    except ValueError:
        return str(uuid.uuid5(REPLAY_NAMESPACE, text))


def _is_fraud(value: object) -> bool:
    return str(value).strip().lower() in _TRUE


class Replayer:
    def __init__(self, mapping: ColumnMapping, place: Place = Place()) -> None:
        unknown = set(mapping.columns.values()) - set(FIELD_NAMES)
        if unknown:
            raise ValueError(f"mapped onto unknown contract fields {sorted(unknown)}")
        missing = [name for name in REQUIRED_SOURCES if name not in mapping.columns.values()]
        if missing:
            raise ValueError(f"the mapping gives no column for {missing}: these have no default")
        self.mapping = mapping
        self.place = place
        self.encoder = msgspec.json.Encoder()

    def messages(self, frame: pd.DataFrame, first_row: int, source_name: str) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) for each row of `frame`; `first_row` numbers rows across batches."""
        absent = [column for column in self.mapping.columns if column not in frame.columns]
        if absent:
            raise ValueError(f"columns {absent} are not in the file (it has {list(frame.columns)})")
        source = {name: frame[column] for column, name in self.mapping.columns.items()}
        event_times = _event_times(source["event_time"], self.mapping.time_origin)
        columns = {name: values.tolist() for name, values in source.items() if name != "event_time"}
        for i in range(len(frame)):
            row = {name: values[i] for name, values in columns.items()}
            record = self._record(row, event_times[i], f"{source_name}:{first_row + i}")
            yield record["card_id"].encode(), self.encoder.encode(record)

    def _record(self, row: dict[str, Any], event_time: str, fallback_id: str) -> dict[str, Any]:
        place = self.place
        values: dict[str, Any] = {
            **DEFAULTS,
            "currency": place.currency,
            "country": place.country,
            "customer_country": place.country,
            "city": place.city,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "schema_version": SCHEMA_VERSION,
        }
        for name, value in row.items():
            if name == "transaction_id":
                continue
            if name == "amount":
                value = round(float(value), 2)
            elif name == "is_fraud":
                value = _is_fraud(value)
            elif name == "fraud_scenario":
                value = self.mapping.scenario_codes.get(str(value), value) if self.mapping.scenario_codes else value
                value = value or None
            elif name in ("latitude", "longitude"):
                value = float(value)
            elif value is not None:
                value = str(value)
            values[name] = value
        values["transaction_id"] = _transaction_id(row.get("transaction_id"), fallback_id)
        values["event_time"] = event_time
        for name in ("card_id", "merchant_id", "merchant_name", "device_id"):  # derived defaults, in order
            if name not in row:
                values[name] = DEFAULTS[name].format(**values)
        if "merchant_category" not in row:
            values["merchant_category"] = MCC_CODES.get(values["mcc"], "")  # unknown mcc: left to the validator
        if not values["is_fraud"]:
            values["fraud_scenario"] = None
        return {name: values[name] for name in FIELD_NAMES}


def replay(
    path: str | Path, mapping: ColumnMapping, sink: Sink, *, place: Place = Place(),
    rate: float | None = None, limit: int | None = None, progress: bool = False,
) -> Summary:
    path = Path(path)
    replayer = Replayer(mapping, place)
    summary = Summary(mode="replay", source=path.name)
    pacer = Pacer(rate) if rate else None
    started = time.monotonic()
    now = datetime.now(UTC)
    row = 0
    bar = tqdm(file=sys.stderr, unit="msg", unit_scale=True, disable=not progress, mininterval=0.5)
    for frame in read_batches(path):
        if limit is not None:
            frame = frame.iloc[: max(0, limit - row)]
        if frame.empty:
            break
        keys, values = zip(*replayer.messages(frame, row, path.name))
        row += len(frame)
        _account(summary, values, now)
        step = pacer.chunk_size() if pacer else len(values)
        for begin in range(0, len(values), step):
            sink.send(list(keys[begin : begin + step]), list(values[begin : begin + step]))
            if pacer:
                pacer.wait(len(values[begin : begin + step]))
        bar.update(len(values))
    bar.close()
    summary.delivery_failed = sink.close()
    summary.elapsed_seconds = time.monotonic() - started
    return summary


def _account(summary: Summary, values: tuple[bytes, ...], now: datetime) -> None:
    """Count per day: scenario of each valid message, reason of each invalid one."""
    per_day: dict[str, tuple[list[int], Counter[str], list[int]]] = {}
    sizes: Counter[str] = Counter()
    for value in values:
        doc = msgspec.json.decode(value)
        sizes[doc["event_time"][:10]] += len(value)
        codes, reasons, unlabelled = per_day.setdefault(doc["event_time"][:10], ([], Counter(), [0]))
        violations = validate(value, now=now)
        if violations:
            reasons[violations[0].reason.value] += 1
        elif doc["is_fraud"] and doc["fraud_scenario"] is None:
            unlabelled[0] += 1
            codes.append(0)
        else:
            codes.append(SCENARIOS.index(doc["fraud_scenario"]))
    for day, (codes, reasons, unlabelled) in per_day.items():
        produced = len(codes) + sum(reasons.values())
        summary.add(day, produced, np.array(codes, dtype=np.int64), reasons, unlabelled_fraud=unlabelled[0],
                    produced_bytes=sizes[day])
