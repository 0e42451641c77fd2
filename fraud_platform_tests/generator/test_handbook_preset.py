"""The handbook preset reproduces the Fraud Detection Handbook simulator's published totals."""

from __future__ import annotations

from datetime import date

import pytest

from streaming.generator.presets import handbook_config
from streaming.generator.run import backfill
from streaming.generator.sinks import MemorySink

HANDBOOK_TRANSACTIONS = 1_754_155
HANDBOOK_FRAUD_RATE = 14_681 / 1_754_155  # 0.837 %


@pytest.fixture(scope="module")
def handbook_summary():
    sink = MemorySink()  # counts and hashes only: 1.75 million messages are not kept
    summary = backfill(handbook_config(), 42, date(2018, 4, 1), date(2018, 10, 1), sink)
    assert sink.count == summary.totals()["produced"]
    return summary.totals(), summary


def test_183_days_give_the_handbook_volume_and_fraud_rate(handbook_summary):
    totals, summary = handbook_summary
    assert len(summary.days) == 183
    assert totals["produced"] == pytest.approx(HANDBOOK_TRANSACTIONS, rel=0.05)
    assert totals["fraud"] / totals["valid"] == pytest.approx(HANDBOOK_FRAUD_RATE, rel=0.05)


def test_only_the_handbooks_three_scenarios_and_no_defects(handbook_summary):
    totals, _ = handbook_summary
    scenarios = totals["scenarios"]
    assert scenarios["account_takeover"] == scenarios["card_testing"] == 0
    assert all(scenarios[name] > 0 for name in ("amount_threshold", "compromised_terminal", "compromised_card"))
    # Steady state: 2 terminals x 28 days of 10,000 vs 3 cards x 14 days x 1/3 of 5,000.
    assert scenarios["compromised_terminal"] > scenarios["compromised_card"] > scenarios["amount_threshold"]
    assert sum(totals["defects"].values()) == 0
    assert totals["valid"] == totals["produced"]


def test_the_handbook_world():
    from streaming.generator.pools import build_pools

    config = handbook_config()
    pools = build_pools(config, 42)
    assert (pools.customers, pools.terminals, len(pools.card_ids)) == (5_000, 10_000, 5_000)
    # Uniform 100 x 100 grid, radius 5: about pi * 25 = 78 terminals per customer, fewer at the edges.
    assert 65 < pools.neighbours.counts.mean() < 80
    assert {pools.countries[0].code} == {"BE"} and not pools.is_atm.any()
    assert 5 <= pools.mean_amount.min() and pools.mean_amount.max() <= 100
    assert 0 <= pools.tx_rate.min() and pools.tx_rate.max() <= 4
