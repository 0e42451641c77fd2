"""The model quality report's CP@100 ceilings (bench/model_quality.py), on hand-built rows."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def model_quality(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # its `results` import
    spec = importlib.util.spec_from_file_location("model_quality", BENCH / "model_quality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tx(scenario: str | None, streak: int, risk_30d: float) -> dict:
    return {"is_fraud": scenario is not None, "fraud_scenario": scenario,
            "terminal_known_fraud_streak": streak, "terminal_30d_risk": risk_30d}


def test_the_oracle_is_blind_to_terminal_compromises_nothing_known_marks(model_quality):
    test = pd.DataFrame([
        tx(None, 0, 0.0),                      # legitimate
        tx("amount_threshold", 0, 0.0),        # its amount gives it away
        tx("compromised_card", 0, 0.0),        # scored 1: the oracle is generous to card frauds
        tx("compromised_terminal", 3, 0.2),    # the compromise's first frauds are known
        tx("compromised_terminal", 0, 0.0),    # nothing known at the terminal
        # An unrelated fraud weeks ago gives the terminal a 30-day risk, but its latest known label
        # is legitimate: the current compromise is as hidden as the row above.
        tx("compromised_terminal", 0, 0.05),
    ])
    assert model_quality.informed_score(test).tolist() == [0, 1, 1, 1, 0, 0]
    assert model_quality.perfect_score(test).tolist() == [0, 1, 1, 1, 1, 1]


def test_the_ceilings_are_card_precision_of_the_oracle_scores(model_quality, monkeypatch):
    day = pd.Timestamp("2024-03-10")
    frame = pd.DataFrame([
        {"event_date": day, "card_id": "H", **tx("compromised_terminal", 0, 0.0)},  # hidden
        {"event_date": day, "card_id": "K", **tx("compromised_terminal", 2, 0.1)},  # known
        {"event_date": day, "card_id": "E", **tx(None, 0, 0.0)},                    # legitimate
    ])
    monkeypatch.setattr(model_quality, "test_frame", lambda rows, _fold: rows)
    assert model_quality.ceiling_card_precision(frame, [None], model_quality.perfect_score, k=2) == [1.0]
    # The oracle sees K only; H and E tie at 0 and the card-id tie-break puts E first.
    assert model_quality.ceiling_card_precision(frame, [None], model_quality.informed_score, k=2) == [0.5]
