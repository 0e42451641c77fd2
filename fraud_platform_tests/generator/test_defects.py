"""Every defect class is produced, breaks exactly the rule it is named after, and is counted."""

from __future__ import annotations

from collections import Counter

import msgspec
import numpy as np
import pytest

from fraud_platform.contract import Reason, example_transaction, validate
from streaming.generator.defect_classes import DEFECT_CLASSES


def test_defect_classes_are_named_by_reason_codes():
    assert all(name == defect.reason.value for name, defect in DEFECT_CLASSES.items())
    assert set(DEFECT_CLASSES) == {
        "missing_required_field", "wrong_type", "unknown_enum_value", "non_positive_amount", "amount_over_limit",
        "unparseable_timestamp", "future_timestamp", "bad_currency_code", "bad_country_code", "malformed_json",
        "invalid_utf8", "oversized_message", "duplicate_transaction_id",
    }
    assert [n for n, d in DEFECT_CLASSES.items() if d.repeats_earlier] == [Reason.DUPLICATE_TRANSACTION_ID]


@pytest.mark.parametrize("name", [n for n, d in DEFECT_CLASSES.items() if not d.repeats_earlier])
def test_each_corruption_of_a_valid_message_gives_exactly_its_reason(name):
    rng = np.random.default_rng(3)
    valid = msgspec.json.encode({**example_transaction(), "merchant_name": "Café Über"})
    assert validate(valid) == []
    for _ in range(200):  # every variant of the class
        broken = DEFECT_CLASSES[name].corrupt(valid, rng)
        assert [v.reason for v in validate(broken)] == [DEFECT_CLASSES[name].reason], broken[:300]


def test_run_reconciles_with_the_validator(defect_run):
    """What validate() and a transaction_id set report equals what the summary says was sent."""
    values, keys = defect_run.sink.values, defect_run.sink.keys
    totals = defect_run.summary.totals()
    reported: Counter[str] = Counter()
    first_seen: dict[str, bytes] = {}
    for key, value in zip(keys, values):
        violations = validate(value)
        if violations:
            assert len(violations) == 1, violations
            reported[violations[0].reason.value] += 1
            continue
        doc = msgspec.json.decode(value)
        if doc["transaction_id"] in first_seen:
            assert first_seen[doc["transaction_id"]] == value  # a duplicate is the earlier message, byte for byte
            reported[Reason.DUPLICATE_TRANSACTION_ID.value] += 1
        else:
            first_seen[doc["transaction_id"]] = value
            reported["valid"] += 1
            assert key == doc["card_id"].encode()
    assert reported.pop("valid") == totals["valid"]
    assert reported == totals["defects"]
    assert all(count >= 10 for count in totals["defects"].values()), totals["defects"]
    assert len(values) == totals["produced"] == totals["valid"] + sum(totals["defects"].values())
    assert totals["defects"] == {
        name: sum(day["defects"][name] for day in defect_run.summary.days.values()) for name in DEFECT_CLASSES
    }


def test_defects_replace_transactions_and_scenarios_count_only_valid_ones(defect_run):
    valid_docs = [msgspec.json.decode(v) for v in defect_run.sink.values if not validate(v)]
    unique = {d["transaction_id"]: d for d in valid_docs}.values()
    scenarios = Counter(d["fraud_scenario"] for d in unique if d["is_fraud"])
    totals = defect_run.summary.totals()
    assert scenarios == {name: n for name, n in totals["scenarios"].items() if n}
    assert totals["fraud"] == sum(scenarios.values())
