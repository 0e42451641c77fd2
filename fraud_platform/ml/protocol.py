"""The time-based evaluation protocol of the Fraud Detection Handbook.

    validation | train | delay | test      (days, consecutive, ending on test_end)

The model is fitted on the training window. The delay models that fraud labels arrive late:
at the start of the test window the labels of the delay period are not known yet, so those days
are neither trained on nor tested. The validation window (just before training: out of sample for
the model, labels long known) is where the alert threshold is chosen, never on training
predictions. A card already known to be compromised — fraud seen on a day from the training start
up to `day - delay` — is removed from that test day: it would be blocked already, and keeping it
lets the model score well by recognising it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import pandas as pd


@dataclass(frozen=True)
class ProtocolWindows:
    validation_start: date
    train_start: date
    train_end: date  # inclusive
    test_start: date
    test_end: date  # inclusive
    delay_days: int

    @classmethod
    def ending_on(
        cls, test_end: date, *, train_days: int = 7, delay_days: int = 7, test_days: int = 7, validation_days: int = 3
    ) -> ProtocolWindows:
        if min(train_days, test_days) < 1 or min(delay_days, validation_days) < 0:
            raise ValueError("train and test windows need at least one day; delay and validation cannot be negative")
        test_start = test_end - timedelta(days=test_days - 1)
        train_end = test_start - timedelta(days=delay_days + 1)
        train_start = train_end - timedelta(days=train_days - 1)
        return cls(
            validation_start=train_start - timedelta(days=validation_days), train_start=train_start,
            train_end=train_end, test_start=test_start, test_end=test_end, delay_days=delay_days,
        )

    def days(self) -> list[date]:
        """Every day whose features the protocol reads (the delay days only for known frauds)."""
        n = (self.test_end - self.validation_start).days + 1
        return [self.validation_start + timedelta(days=i) for i in range(n)]

    def as_params(self) -> dict[str, str]:
        return {k: v.isoformat() if isinstance(v, date) else str(v) for k, v in asdict(self).items()}

    @classmethod
    def from_params(cls, params: dict[str, str]) -> ProtocolWindows:
        return cls(**{k: int(params[k]) if k == "delay_days" else date.fromisoformat(params[k])
                      for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ProtocolSplit:
    validation: pd.DataFrame
    train: pd.DataFrame
    test: pd.DataFrame
    test_rows_before_exclusion: int


def _between(frame: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    days = frame["event_date"]
    return frame[(days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))]


def without_known_compromised(test: pd.DataFrame, history: pd.DataFrame, since: date, delay_days: int) -> pd.DataFrame:
    """Drop from each test day the cards with a fraud on a day in [since, day - delay)."""
    frauds = history[history["is_fraud"].astype(bool) & (history["event_date"] >= pd.Timestamp(since))]
    # A fraud on day f is known on day d when f < d - delay, i.e. from f + delay + 1 on.
    first_fraud = frauds.groupby("card_id")["event_date"].min()
    known_from = test["card_id"].map(first_fraud + pd.Timedelta(days=delay_days + 1))
    keep = known_from.isna() | (test["event_date"] < known_from)
    return test[keep.to_numpy()]


def split(frame: pd.DataFrame, windows: ProtocolWindows) -> ProtocolSplit:
    """`frame` holds sandbox features: event_date (datetime64, midnight), card_id and is_fraud."""
    test = _between(frame, windows.test_start, windows.test_end)
    return ProtocolSplit(
        validation=_between(frame, windows.validation_start, windows.train_start - timedelta(days=1)),
        train=_between(frame, windows.train_start, windows.train_end),
        test=without_known_compromised(test, frame, windows.train_start, windows.delay_days),
        test_rows_before_exclusion=len(test),
    )
