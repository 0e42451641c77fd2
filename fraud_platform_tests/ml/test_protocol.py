"""The time-based split: window arithmetic and the removal of known-compromised cards."""

from datetime import date

import pandas as pd
import pytest

from fraud_platform.ml.promotion import decide_promotion
from fraud_platform.ml.protocol import ProtocolWindows, split, without_known_compromised


def test_handbook_windows():
    w = ProtocolWindows.ending_on(date(2018, 8, 14), train_days=7, delay_days=7, test_days=7, validation_days=3)
    assert (w.train_start, w.train_end) == (date(2018, 7, 25), date(2018, 7, 31))
    assert (w.test_start, w.test_end) == (date(2018, 8, 8), date(2018, 8, 14))
    assert w.validation_start == date(2018, 7, 22)
    assert len(w.days()) == 3 + 7 + 7 + 7
    assert ProtocolWindows.from_params(w.as_params()) == w


def test_windows_reject_an_empty_training_window():
    with pytest.raises(ValueError):
        ProtocolWindows.ending_on(date(2018, 8, 14), train_days=0)


def tx(day: str, card: str, fraud: bool) -> dict:
    return {"event_date": pd.Timestamp(day), "card_id": card, "is_fraud": fraud}


def test_known_compromised_cards_leave_the_test_days_once_their_fraud_is_known():
    history = pd.DataFrame([
        tx("2024-01-01", "TRAIN", True),   # before `since`: not part of the protocol's history
        tx("2024-01-03", "A", True),       # known on day d when 01-03 < d - 2: from 01-06
        tx("2024-01-05", "B", True),       # known from 01-08
        tx("2024-01-04", "C", False),
    ])
    test = pd.DataFrame([
        tx("2024-01-05", "A", True),  # kept: A's fraud not known yet on 01-05
        tx("2024-01-06", "A", True),  # removed
        tx("2024-01-07", "B", True),  # kept: B known only from 01-08
        tx("2024-01-08", "B", False),  # removed
        tx("2024-01-08", "C", False),  # kept: never defrauded
        tx("2024-01-08", "TRAIN", True),  # kept: its fraud predates `since`
    ])
    kept = without_known_compromised(test, history, since=date(2024, 1, 2), delay_days=2)
    assert list(zip(kept.event_date.dt.strftime("%m-%d"), kept.card_id)) == [
        ("01-05", "A"), ("01-07", "B"), ("01-08", "C"), ("01-08", "TRAIN")]


def test_split_matches_the_handbook_rule():
    w = ProtocolWindows.ending_on(date(2024, 1, 10), train_days=2, delay_days=2, test_days=2, validation_days=1)
    # validation 01-04 | train 01-05..06 | delay 01-07..08 | test 01-09..10
    frame = pd.DataFrame([
        tx("2024-01-04", "V", True),   # validation fraud: not "known" (the handbook starts at training)
        tx("2024-01-05", "T", True),   # training fraud: T is known during the whole test window
        tx("2024-01-07", "D", True),   # delay fraud on 01-07: known from 01-10 (01-07 < d - 2)
        tx("2024-01-08", "E", True),   # delay fraud on 01-08: known from 01-11, after the test
        tx("2024-01-09", "T", True), tx("2024-01-09", "D", True), tx("2024-01-09", "E", True),
        tx("2024-01-09", "V", True), tx("2024-01-10", "E", False), tx("2024-01-10", "D", False),
    ])
    parts = split(frame, w)
    assert parts.validation.card_id.tolist() == ["V"]
    assert parts.train.card_id.tolist() == ["T"]
    assert list(zip(parts.test.event_date.dt.day, parts.test.card_id)) == [(9, "D"), (9, "E"), (9, "V"), (10, "E")]
    assert parts.test_rows_before_exclusion == 6


def test_promotion_gate():
    assert decide_promotion(0.5, None, 0.3).promote
    assert not decide_promotion(0.2, None, 0.3).promote
    assert decide_promotion(0.5, 0.5, 0.9).promote  # ties promote; the minimum applies only to the first
    assert not decide_promotion(0.49, 0.5, 0.0).promote
    assert not decide_promotion(float("nan"), None, 0.0).promote
