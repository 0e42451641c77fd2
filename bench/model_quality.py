"""Model quality under the Fraud Detection Handbook's protocol, on the generator's handbook preset.

The data goes through the platform's own code: generator (handbook preset, simulated from
2018-04-01 like the handbook) -> contract JSON lines per day -> the processed stage's Spark
`process` per day -> the sandbox stage's Spark `add_features` over the whole period -> the
training code of the fraud_model asset (train 2018-07-25..07-31 | delay 7 days | test
2018-08-08..08-14, known-compromised cards removed from the test). Prints ROC AUC, average
precision and Card Precision@100 of XGBoost and of the Isolation Forest baseline; anchors are the
handbook's published test results.

    .venv/bin/python bench/model_quality.py [--update-results] [--input transactions.jsonl]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from results import update_row  # noqa: E402

from fraud_platform.lake.spark.features import LOOKBACK_DAYS, add_features  # noqa: E402
from fraud_platform.lake.spark.processed import process, read_raw  # noqa: E402
from fraud_platform.lake.spark.session_config import spark_config  # noqa: E402
from fraud_platform.ml.params import XGBoostParams  # noqa: E402
from fraud_platform.ml.protocol import ProtocolWindows  # noqa: E402
from fraud_platform.ml.sandbox_reader import normalise  # noqa: E402
from fraud_platform.ml.training import train_and_evaluate  # noqa: E402
from fraud_platform.settings import Settings  # noqa: E402

SIMULATION_START = date(2018, 4, 1)
TEST_END = date(2018, 8, 14)
# The handbook's published test results (XGBoost after model selection; Isolation Forest).
ANCHORS = {
    "xgboost": {"roc_auc": 0.869, "average_precision": 0.687, "card_precision_at_100": 0.303},
    "isolation_forest": {"roc_auc": 0.808, "average_precision": 0.164, "card_precision_at_100": 0.19},
}
TARGETS = {"average_precision": 0.69, "card_precision_at_100": 0.30}


def write_generated_days(raw_dir: Path, first: date, end: date, seed: int) -> int:
    """The handbook preset from SIMULATION_START (compromises carry over between days), days >= first
    written as contract JSON lines, one file per day as the lander would land them."""
    from streaming.generator.encoding import MessageEncoder
    from streaming.generator.presets import handbook_config
    from streaming.generator.simulator import Simulator

    simulator = Simulator(handbook_config(), seed)
    encoder = MessageEncoder(simulator.pools)
    written = 0
    for block in simulator.days(SIMULATION_START, end):
        if block.day < first:
            continue
        _, values = encoder.encode(block, slice(0, len(block)))
        out = raw_dir / f"dt={block.day.isoformat()}"
        out.mkdir(parents=True)
        (out / "part-0.jsonl").write_bytes(b"\n".join(values) + b"\n")
        written += len(values)
    return written


def sandbox_features(spark, raw_paths: dict[date, str] | str, days: list[date], work: Path):
    """processed (per day, as the processed_transactions asset) then add_features over the period."""
    currency = Settings.from_env().spark.reporting_currency
    shared = read_raw(spark, [raw_paths]).cache() if isinstance(raw_paths, str) else None
    for day in days:
        raw = shared if shared is not None else read_raw(spark, [raw_paths[day]])
        process(raw, day.isoformat(), currency).write.mode("overwrite").parquet(str(work / f"processed/dt={day}"))
    return add_features(spark.read.parquet(*(str(work / f"processed/dt={d}") for d in days)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update-results", action="store_true", help="Record the figures in bench/RESULTS.md")
    parser.add_argument("--input", help="Contract transactions (JSON lines) instead of the generator")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--n-estimators", type=int, default=XGBoostParams.n_estimators)
    parser.add_argument("--max-depth", type=int, default=XGBoostParams.max_depth)
    parser.add_argument("--learning-rate", type=float, default=XGBoostParams.learning_rate)
    args = parser.parse_args()

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    windows = ProtocolWindows.ending_on(TEST_END, train_days=7, delay_days=7, test_days=7, validation_days=3)
    first = windows.validation_start - timedelta(days=LOOKBACK_DAYS)
    days = [first + timedelta(days=i) for i in range((TEST_END - first).days + 1)]
    started = time.monotonic()
    settings = Settings.from_env({"FRAUD_SPARK_MASTER": "local[2]", "FRAUD_SPARK_DRIVER_MEMORY": "4g"})
    builder = SparkSession.builder
    for key, value in spark_config(settings).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    with tempfile.TemporaryDirectory(prefix="model-quality-") as tmp:
        work = Path(tmp)
        if args.input:
            source = args.input
        else:
            count = write_generated_days(work / "raw", first, TEST_END + timedelta(days=1), args.seed)
            print(f"generated {count:,} transactions for {first} .. {TEST_END} ({time.monotonic() - started:.0f} s)")
            source = {d: str(work / f"raw/dt={d}") for d in days}
        features = sandbox_features(spark, source, days, work)
        frame = normalise(features.where(F.col("event_date") >= F.lit(windows.validation_start)).toPandas())
    spark.stop()
    print(f"sandbox features: {len(frame):,} rows, {int(frame.is_fraud.sum()):,} frauds "
          f"({time.monotonic() - started:.0f} s)")

    xgb = XGBoostParams(n_estimators=args.n_estimators, max_depth=args.max_depth, learning_rate=args.learning_rate)
    command = "python bench/model_quality.py --update-results"
    for kind, params in (("xgboost", xgb), ("isolation_forest", None)):
        outcome = train_and_evaluate(frame, windows, kind, params=params, alert_budget=100, card_precision_k=100)
        print(f"\n{kind}  {outcome.data}\n  params {outcome.params}")
        for metric, anchor in ANCHORS[kind].items():
            value = outcome.metrics[metric]
            target = f"   target >= {TARGETS[metric]}" if kind == "xgboost" and metric in TARGETS else ""
            print(f"  {metric:24s} {value:.3f}   handbook {anchor:.3f}{target}")
            if args.update_results:
                update_row("model_quality", f"{kind} {metric} (handbook preset, test 2018-08-08..14)",
                           f"{value:.3f}", f"{anchor:.3f}", f"{value / anchor:.2f}", date.today().isoformat(), command)
        print(f"  at the validation threshold {outcome.threshold:.4f}: precision {outcome.metrics['precision']:.3f} "
              f"recall {outcome.metrics['recall']:.3f} f1 {outcome.metrics['f1']:.3f}")


if __name__ == "__main__":
    main()
