"""Shared generator runs: each is generated once per session into memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import msgspec
import pytest

from streaming.generator.presets import default_config
from streaming.generator.run import backfill
from streaming.generator.sinks import MemorySink
from streaming.generator.summary import Summary


class Seen(msgspec.Struct):
    """The fields the statistical tests look at (other keys are ignored when decoding)."""

    transaction_id: str
    event_time: str
    card_id: str
    terminal_id: str
    amount: float
    currency: str
    country: str
    customer_country: str
    channel: str
    device_id: str
    ip_address: str | None
    is_fraud: bool
    fraud_scenario: str | None


SEEN = msgspec.json.Decoder(Seen)


@dataclass
class Run:
    sink: MemorySink
    summary: Summary

    def seen(self) -> list[Seen]:
        return [SEEN.decode(value) for value in self.sink.values]


# 3,000 customers, 8 whole weeks starting on a Monday: ~340,000 transactions.
STATS_CUSTOMERS = 3_000
STATS_START, STATS_END = date(2024, 1, 1), date(2024, 2, 26)


@pytest.fixture(scope="session")
def clean_run() -> Run:
    """Default world without defects."""
    sink = MemorySink(keep=True)
    config = default_config(STATS_CUSTOMERS).with_defects(rate=0.0)
    return Run(sink, backfill(config, 7, STATS_START, STATS_END, sink))


@pytest.fixture(scope="session")
def defect_run() -> Run:
    """Default world with 3 % defects, so every class appears many times."""
    sink = MemorySink(keep=True)
    config = default_config(1_000).with_defects(rate=0.03)
    return Run(sink, backfill(config, 11, date(2024, 3, 1), date(2024, 3, 15), sink))
