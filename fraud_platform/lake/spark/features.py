"""processed → sandbox: point-in-time features, as in the Fraud Detection Handbook.

Every feature of a transaction uses only transactions at or before its own time; terminal risk
uses only labels older than the label delay, because fraud labels arrive late. Training and
scoring call the same function, so offline and online features cannot drift.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

DAY = 86_400
WINDOWS_DAYS = (1, 7, 30)
LABEL_DELAY_DAYS = 7
NOVELTY_DAYS = 30
LOOKBACK_DAYS = max(WINDOWS_DAYS) + LABEL_DELAY_DAYS
SPENDING_PEAK_DAYS = (1, 7)

FEATURE_COLUMNS: tuple[str, ...] = (
    "amount_feature", "is_weekend", "is_night", "is_cross_border",
    *(f"customer_{w}d_tx_count" for w in WINDOWS_DAYS),
    *(f"customer_{w}d_avg_amount" for w in WINDOWS_DAYS),
    *(f"terminal_{w}d_tx_count" for w in WINDOWS_DAYS),
    *(f"terminal_{w}d_risk" for w in WINDOWS_DAYS),
    "is_new_device", "is_new_country",
    # Spending against the customer's own habit (see add_features).
    "amount_to_customer_7d_avg", "amount_to_customer_30d_avg",
    "customer_1d_to_30d_avg_amount", "customer_7d_to_30d_avg_amount",
    *(f"customer_{w}d_max_amount_ratio" for w in SPENDING_PEAK_DAYS),
    # The terminal's latest known labels (see add_features).
    "terminal_known_fraud_streak", "terminal_known_fraud_streak_days",
)
KEY_COLUMNS = ("transaction_id", "event_time", "event_date", "customer_id", "card_id", "terminal_id")
LABEL_COLUMNS = ("is_fraud", "fraud_scenario")


def add_features(processed: DataFrame, label_delay_days: int = LABEL_DELAY_DAYS) -> DataFrame:
    """Features for every row of `processed` (which must include the lookback history)."""
    ts = F.col("event_time").cast("long")
    df = processed.withColumn("_ts", ts).withColumn(
        "amount_feature", F.coalesce(F.col("amount_reporting"), F.col("amount")).cast("double")
    ).withColumn("_fraud", F.col("is_fraud").cast("int"))
    by_customer = Window.partitionBy("customer_id").orderBy("_ts")
    by_terminal = Window.partitionBy("terminal_id").orderBy("_ts")
    for w in WINDOWS_DAYS:
        # Including the current transaction, as in the handbook.
        customer = by_customer.rangeBetween(-w * DAY, 0)
        df = df.withColumn(f"customer_{w}d_tx_count", F.count(F.lit(1)).over(customer)).withColumn(
            f"customer_{w}d_avg_amount", F.avg("amount_feature").over(customer)
        )
        # [t - delay - w, t - delay): only transactions whose labels are already known.
        delay = label_delay_days * DAY
        terminal = by_terminal.rangeBetween(-(delay + w * DAY), -delay - 1)
        count = F.count(F.lit(1)).over(terminal)
        df = df.withColumn(f"terminal_{w}d_tx_count", count).withColumn(
            f"terminal_{w}d_risk", F.when(count > 0, F.sum("_fraud").over(terminal) / count).otherwise(F.lit(0.0))
        )
    # A stolen card spent at several times the usual amounts (the handbook's third scenario) is
    # a change against the customer's own habit, which the averages alone leave trees to find:
    # the amount over its 7- and 30-day averages, the short averages over the 30-day one, and the
    # largest amount / 30-day average of the last 1 and 7 days (each computed at its own time).
    df = df.withColumn("amount_to_customer_7d_avg", _ratio("amount_feature", "customer_7d_avg_amount")).withColumn(
        "amount_to_customer_30d_avg", _ratio("amount_feature", "customer_30d_avg_amount")
    ).withColumn("customer_1d_to_30d_avg_amount", _ratio("customer_1d_avg_amount", "customer_30d_avg_amount")).withColumn(
        "customer_7d_to_30d_avg_amount", _ratio("customer_7d_avg_amount", "customer_30d_avg_amount")
    )
    for w in SPENDING_PEAK_DAYS:
        df = df.withColumn(f"customer_{w}d_max_amount_ratio",
                           F.max("amount_to_customer_30d_avg").over(by_customer.rangeBetween(-w * DAY, 0)))
    df = _known_fraud_streak(df, by_terminal, label_delay_days)
    seen_device = Window.partitionBy("customer_id", "device_id").orderBy("_ts").rangeBetween(-NOVELTY_DAYS * DAY, -1)
    seen_country = Window.partitionBy("customer_id", "country").orderBy("_ts").rangeBetween(-NOVELTY_DAYS * DAY, -1)
    df = df.withColumn("is_new_device", F.count(F.lit(1)).over(seen_device) == 0).withColumn(
        "is_new_country", F.count(F.lit(1)).over(seen_country) == 0
    )
    return df.select(*KEY_COLUMNS, *FEATURE_COLUMNS, *LABEL_COLUMNS)


def _known_fraud_streak(df: DataFrame, by_terminal: Window, label_delay_days: int) -> DataFrame:
    """A compromised terminal (the handbook's second scenario) turns every transaction into fraud
    from some day on. Its risk ratios dilute that with the legitimate history before it; what
    marks it is that its latest known labels are all fraud. Over the known window of the 30-day
    risk, [t - delay - 30 d, t - delay - 1 s]: the number of known frauds after the latest known
    legitimate transaction (0 when the latest known label is legitimate, or none is known), and
    for how long that has been so: days from the latest known legitimate transaction to t
    (delay + 30 when the window holds none; 0 without a streak). Ties within a second count as
    legitimate-last, so the result does not depend on row order."""
    delay, horizon = label_delay_days * DAY, max(WINDOWS_DAYS) * DAY
    known = by_terminal.rangeBetween(-(delay + horizon), -delay - 1)
    # Frauds at the terminal up to each second, ties included: the frauds in (a, b] of the
    # window are its value at b minus its value at a.
    df = df.withColumn("_frauds_so_far", F.sum("_fraud").over(by_terminal.rangeBetween(Window.unboundedPreceding, 0)))
    legit = F.col("_fraud") == 0
    df = df.withColumn("_last_legit", F.max(F.when(legit, F.col("_ts"))).over(known))
    no_legit = F.col("_last_legit").isNull()
    frauds_after_legit = F.when(no_legit, F.sum("_fraud").over(known)).otherwise(
        F.max("_frauds_so_far").over(known) - F.max(F.when(legit, F.col("_frauds_so_far"))).over(known))
    df = df.withColumn("terminal_known_fraud_streak", F.coalesce(frauds_after_legit, F.lit(0)).cast("int"))
    days = F.when(no_legit, F.lit(float(label_delay_days + max(WINDOWS_DAYS)))).otherwise(
        (F.col("_ts") - F.col("_last_legit")) / F.lit(float(DAY)))
    streak_days = F.when(F.col("terminal_known_fraud_streak") > 0, days).otherwise(F.lit(0.0))
    return df.withColumn("terminal_known_fraud_streak_days", streak_days).drop("_frauds_so_far", "_last_legit")


def _ratio(numerator: str, denominator: str):
    """numerator / denominator; 1 (no change) for a zero denominator (amounts that round to 0)."""
    return F.when(F.col(denominator) > 0, F.col(numerator) / F.col(denominator)).otherwise(F.lit(1.0))


def features_for_day(history: DataFrame, day: str) -> DataFrame:
    """Features of one day's transactions, computed over the day and its lookback history."""
    return add_features(history).where(F.col("event_date") == F.lit(day).cast("date"))
