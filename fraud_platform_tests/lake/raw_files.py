"""Build landed raw files the way fraud-lander names them, from contract-valid records."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fraud_platform.contract import example_transaction
from fraud_platform.lake.layout import RAW_PREFIX, day_prefix


def record(day: str, seconds: int, *, customer: str = "C000042", terminal: str = "T00017",
           amount: float = 42.5, fraud: bool = False, country: str = "FR", device: str = "POS-00017",
           currency: str = "EUR", tx_id: str | None = None) -> dict:
    when = datetime.fromisoformat(day).replace(tzinfo=timezone.utc) + timedelta(seconds=seconds)
    base = example_transaction()
    return {**base, "transaction_id": tx_id or str(uuid.uuid5(uuid.NAMESPACE_OID, f"{day}-{seconds}-{customer}")),
            "event_time": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "customer_id": customer,
            "card_id": f"K{customer[1:]}-01", "terminal_id": terminal, "amount": amount, "currency": currency,
            "is_fraud": fraud, "fraud_scenario": "compromised_terminal" if fraud else None, "country": country,
            "device_id": device}


def write_raw_file(root: Path, day: str, records: list[dict], partition: int = 0, start_offset: int = 0) -> Path:
    path = root / day_prefix(RAW_PREFIX, day) / f"validated-transactions+{partition}+{start_offset:010d}.jsonl.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        for r in records:
            f.write(json.dumps(r).encode() + b"\n")
    return path
