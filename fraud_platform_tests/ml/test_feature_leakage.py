"""No leakage in the point-in-time features: the shared Spark `add_features` on small random
histories equals a brute-force reference written from the definition, and changing the future
(later transactions, and labels newer than the delay) changes no earlier transaction's features."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fraud_platform.lake.spark.features import (
    FEATURE_COLUMNS, LABEL_DELAY_DAYS, NOVELTY_DAYS, SPENDING_PEAK_DAYS, WINDOWS_DAYS,
)
from fraud_platform.lake.spark.session_config import spark_config
from fraud_platform.settings import Settings

pytestmark = pytest.mark.spark
DAY = 86_400
DELAY = LABEL_DELAY_DAYS * DAY
ORIGIN = datetime(2024, 1, 1, tzinfo=timezone.utc)
SCHEMA = ("transaction_id string, event_time timestamp, event_date date, customer_id string, card_id string, "
          "terminal_id string, device_id string, country string, amount decimal(12,2), "
          "amount_reporting decimal(14,2), is_weekend boolean, is_night boolean, is_cross_border boolean, "
          "is_fraud boolean, fraud_scenario string")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    for key, value in spark_config(Settings.from_env({"FRAUD_SPARK_MASTER": "local[2]"})).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    yield session
    session.stop()


transaction = st.fixed_dictionaries({
    "seconds": st.integers(0, 45 * DAY),
    "customer": st.sampled_from(["C1", "C2"]),
    "terminal": st.sampled_from(["T1", "T2"]),
    "device": st.sampled_from(["D1", "D2"]),
    "country": st.sampled_from(["BE", "FR"]),
    "cents": st.integers(100, 50_000),
    "fraud": st.booleans(),
})


def processed_row(tx: dict, copy: str, i: int) -> tuple:
    """A processed-stage row; each copy has its own customers and terminals, so copies never mix."""
    when = ORIGIN + timedelta(seconds=tx["seconds"])
    amount = Decimal(tx["cents"]) / 100
    return (f"{copy}{i}", when, when.date(), copy + tx["customer"], copy + tx["customer"], copy + tx["terminal"],
            tx["device"], tx["country"], amount, amount, when.weekday() >= 5, when.hour <= 6, False, tx["fraud"],
            "compromised_terminal" if tx["fraud"] else None)


def reference(txs: list[dict]) -> list[dict]:
    """Each feature straight from its definition, over the rows it may see."""
    out = []
    for tx in txs:
        t, row = tx["seconds"], {}
        row["amount_feature"] = tx["cents"] / 100
        for w in WINDOWS_DAYS:
            mine = [o for o in txs if o["customer"] == tx["customer"] and t - w * DAY <= o["seconds"] <= t]
            row[f"customer_{w}d_tx_count"] = len(mine)
            row[f"customer_{w}d_avg_amount"] = sum(o["cents"] / 100 for o in mine) / len(mine)
            known = [o for o in txs if o["terminal"] == tx["terminal"]
                     and t - DELAY - w * DAY <= o["seconds"] <= t - DELAY - 1]
            row[f"terminal_{w}d_tx_count"] = len(known)
            row[f"terminal_{w}d_risk"] = sum(o["fraud"] for o in known) / len(known) if known else 0.0
        for flag, key in (("is_new_device", "device"), ("is_new_country", "country")):
            row[flag] = not any(o["customer"] == tx["customer"] and o[key] == tx[key]
                                and t - NOVELTY_DAYS * DAY <= o["seconds"] <= t - 1 for o in txs)
        row.update(known_fraud_streak(tx, txs))
        row["amount_to_customer_7d_avg"] = _ratio(row["amount_feature"], row["customer_7d_avg_amount"])
        row["amount_to_customer_30d_avg"] = _ratio(row["amount_feature"], row["customer_30d_avg_amount"])
        row["customer_1d_to_30d_avg_amount"] = _ratio(row["customer_1d_avg_amount"], row["customer_30d_avg_amount"])
        row["customer_7d_to_30d_avg_amount"] = _ratio(row["customer_7d_avg_amount"], row["customer_30d_avg_amount"])
        out.append(row)
    # The largest amount / 30-day average among the customer's transactions of the last w days,
    # each ratio as computed at its own time.
    for tx, row in zip(txs, out):
        t = tx["seconds"]
        for w in SPENDING_PEAK_DAYS:
            row[f"customer_{w}d_max_amount_ratio"] = max(
                r["amount_to_customer_30d_avg"] for o, r in zip(txs, out)
                if o["customer"] == tx["customer"] and t - w * DAY <= o["seconds"] <= t)
    return out


def known_fraud_streak(tx: dict, txs: list[dict]) -> dict:
    """The known frauds at the terminal after its latest known legitimate transaction, in the
    30-day risk's known window, and the days since that transaction (the window's span when it
    holds none)."""
    t, span = tx["seconds"], max(WINDOWS_DAYS) * DAY
    known = [o for o in txs if o["terminal"] == tx["terminal"] and t - DELAY - span <= o["seconds"] <= t - DELAY - 1]
    legit = [o["seconds"] for o in known if not o["fraud"]]
    after = [o for o in known if o["fraud"] and (not legit or o["seconds"] > max(legit))]
    days = (t - max(legit)) / DAY if legit else LABEL_DELAY_DAYS + max(WINDOWS_DAYS)
    return {"terminal_known_fraud_streak": len(after), "terminal_known_fraud_streak_days": days if after else 0.0}


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else 1.0


def perturb_future(txs: list[dict], cutoff: int) -> list[dict]:
    """Later transactions get other amounts and labels; labels inside the delay before the cutoff flip."""
    changed = []
    for tx in txs:
        if tx["seconds"] > cutoff:
            tx = {**tx, "cents": tx["cents"] * 3 + 7, "fraud": not tx["fraud"]}
        elif tx["seconds"] > cutoff - DELAY:
            tx = {**tx, "fraud": not tx["fraud"]}
        changed.append(tx)
    return changed


def spark_features(spark, copies: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    from fraud_platform.lake.spark.features import add_features

    rows = [processed_row(tx, copy, i) for copy, txs in copies.items() for i, tx in enumerate(txs)]
    got = add_features(spark.createDataFrame(rows, SCHEMA)).toPandas()
    return {copy: got[got.transaction_id.str.startswith(copy)].assign(
        index=lambda f, c=copy: f.transaction_id.str.removeprefix(c).astype(int)).set_index("index").sort_index()
        for copy in copies}


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(txs=st.lists(transaction, min_size=3, max_size=25), cut=st.integers(0, 24))
def test_features_see_only_the_past_and_known_labels(spark, txs, cut):
    cutoff = sorted(t["seconds"] for t in txs)[cut % len(txs)]
    got = spark_features(spark, {"A": txs, "B": perturb_future(txs, cutoff)})

    expected = pd.DataFrame(reference(txs))
    pd.testing.assert_frame_equal(got["A"][list(expected.columns)].reset_index(drop=True).astype(float),
                                  expected.astype(float), check_exact=False, rtol=1e-9)

    past = [i for i, tx in enumerate(txs) if tx["seconds"] <= cutoff]
    pd.testing.assert_frame_equal(got["A"].loc[past, list(FEATURE_COLUMNS)],
                                  got["B"].loc[past, list(FEATURE_COLUMNS)])


def test_known_fraud_streak_by_hand(spark):
    """A terminal's known labels: legit, fraud, fraud, then legit and fraud in the same second,
    then fraud. Each query transaction sees labels up to 7 days + 1 s before itself."""
    def tx(day: float, fraud: bool, terminal: str = "T1") -> dict:
        return {"seconds": int(day * DAY), "customer": "C1", "terminal": terminal, "device": "D1", "country": "BE",
                "cents": 1000, "fraud": fraud}

    history = [tx(0, False), tx(1, True), tx(2, True), tx(3, False), tx(3, True), tx(4, True),
               tx(0, True, "T2"), tx(1, True, "T2")]
    queries = [tx(8, False), tx(10, False), tx(12, False), tx(9, False, "T2")]
    got = spark_features(spark, {"Q": history + queries})["Q"].iloc[len(history):]
    assert got["terminal_known_fraud_streak"].tolist() == [
        0,  # knows only the legit one of day 0
        2,  # days 1 and 2 after day 0 (day 3 is not known yet: 7 days + 1 s before day 10)
        1,  # day 4 only: the fraud tied with day 3's legit one counts as before it
        2,  # T2: frauds only
    ]
    assert got["terminal_known_fraud_streak_days"].tolist() == [0.0, 10.0, 9.0, 37.0]
