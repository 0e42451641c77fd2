"""Statistical properties of the default world: fraud mix, seasonality, geography."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime

import numpy as np
import pytest

from fraud_platform.contract import FRAUD_SCENARIOS, validate
from streaming.generator.config import DAILY_PROFILE, WEEKLY_PROFILE
from streaming.generator.geography import COUNTRIES
from streaming.generator.presets import default_config

from .conftest import STATS_CUSTOMERS, STATS_END, STATS_START

DAYS = (STATS_END - STATS_START).days


def _active_mean(per_day: float, window: int) -> float:
    """Mean number of entities compromised per day when `per_day` start each day for `window` days."""
    return per_day * sum(min(d + 1, window) for d in range(DAYS)) / DAYS


def _threshold_share(low: float, high: float, ratio: float, threshold: float) -> float:
    """P(N(m, ratio m) > threshold) with m ~ U(low, high), by the midpoint rule."""
    means = np.linspace(low, high, 2001)
    tail = [0.5 * math.erfc((threshold - m) / (ratio * m * math.sqrt(2))) for m in means]
    return float(np.mean(tail))


@pytest.fixture(scope="module")
def seen(clean_run):
    return clean_run.seen()


def test_every_message_is_valid_and_the_summary_counts_them(clean_run, seen):
    assert all(validate(value) == [] for value in clean_run.sink.values)
    totals = clean_run.summary.totals()
    assert totals["produced"] == totals["valid"] == len(seen)
    assert Counter(s.fraud_scenario for s in seen if s.is_fraud) == {k: v for k, v in totals["scenarios"].items() if v}
    assert all((s.fraud_scenario is None) == (not s.is_fraud) for s in seen)


def test_fraud_share_per_scenario(clean_run, seen):
    config = default_config(STATS_CUSTOMERS)
    fraud, pools_cards = config.fraud, STATS_CUSTOMERS * (1 + config.second_card_share)
    n = len(seen)
    counts = Counter(s.fraud_scenario for s in seen if s.is_fraud)
    physical_share = 1 - config.card_not_present_share
    expected = {
        "amount_threshold": n * _threshold_share(*config.mean_amount_range, config.amount_std_ratio,
                                                 fraud.amount_threshold),
        "compromised_terminal": n * physical_share * _active_mean(
            fraud.compromised_terminals_per_day, fraud.compromised_terminal_days) / config.physical_terminals,
        "compromised_card": n * fraud.compromised_card_share * _active_mean(
            fraud.compromised_cards_per_day, fraud.compromised_card_days) / pools_cards,
        "account_takeover": DAYS * fraud.account_takeovers_per_day * sum(fraud.account_takeover_burst) / 2,
        "card_testing": DAYS * fraud.card_tests_per_day * sum(fraud.card_testing_burst) / 2,
    }
    for name in FRAUD_SCENARIOS:
        assert counts[name] == pytest.approx(expected[name], rel=0.35), name
    assert 0.005 <= sum(counts.values()) / n <= 0.01


def test_scenarios_look_like_their_definitions(seen):
    by_scenario: dict[str, list] = {}
    for s in seen:
        by_scenario.setdefault(s.fraud_scenario, []).append(s)
    assert all(s.channel == "ecommerce" and s.device_id.startswith("X") for s in by_scenario["account_takeover"])
    legit_ips = {s.ip_address.split(".")[0] for s in by_scenario[None] if s.ip_address}
    assert not legit_ips & {s.ip_address.split(".")[0] for s in by_scenario["account_takeover"]}
    tests = by_scenario["card_testing"]
    assert max(s.amount for s in tests) <= 2.0
    # Bursts: a tested card sees several attempts at one merchant.
    per_card = Counter((s.card_id, s.terminal_id) for s in tests)
    assert np.mean(list(per_card.values())) >= 5
    assert all(s.channel in ("pos", "atm") for s in by_scenario["compromised_terminal"])


def test_daily_and_weekly_seasonality(seen):
    legit = [s for s in seen if not s.is_fraud]
    local_hours = Counter()
    weekdays = Counter()
    for s in legit:
        moment = datetime.fromisoformat(s.event_time)
        local_hours[(moment.hour + COUNTRIES[s.customer_country].utc_offset_hours) % 24] += 1
        weekdays[moment.weekday()] += 1
    hours = np.array([local_hours[h] for h in range(24)], dtype=float)
    assert np.corrcoef(hours, DAILY_PROFILE)[0, 1] > 0.95
    assert hours[3] < hours[12] / 10  # nights are quiet
    week = np.array([weekdays[d] for d in range(7)], dtype=float)
    assert np.corrcoef(week, WEEKLY_PROFILE)[0, 1] > 0.9
    assert week[5] / week[6] == pytest.approx(WEEKLY_PROFILE[5] / WEEKLY_PROFILE[6], rel=0.05)


def test_cross_border_share_and_local_currencies(seen):
    legit = [s for s in seen if not s.is_fraud]
    foreign = sum(s.country != s.customer_country for s in legit) / len(legit)
    assert foreign == pytest.approx(default_config().cross_border_share, rel=0.1)
    assert all(s.currency == COUNTRIES[s.country].currency for s in seen)
    assert {s.currency for s in seen} == {c.currency for c in COUNTRIES.values()}
    assert all((s.ip_address is None) == (s.channel in ("pos", "atm")) for s in seen)
