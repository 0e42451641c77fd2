"""The `fraud-generator` command line and the live mode."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import msgspec
from click.testing import CliRunner

from fraud_platform.contract import FRAUD_SCENARIOS, validate
from streaming.generator.cli import main
from streaming.generator.defect_classes import DEFECT_CLASSES
from streaming.generator.presets import default_config
from streaming.generator.run import live
from streaming.generator.sinks import MemorySink


def test_backfill_to_json_lines_with_a_summary(tmp_path):
    out, summary_path = tmp_path / "tx.jsonl", tmp_path / "summary.json"
    result = CliRunner().invoke(main, [
        "backfill", "--start", "2024-02-01", "--end", "2024-02-04", "--customers", "400", "--seed", "3",
        "--defect-rate", "0.05", "--defect-classes", "malformed_json,duplicate_transaction_id",
        "--card-tests-per-day", "5", "--jsonl", str(out), "--summary-json", str(summary_path), "--no-progress",
    ])
    assert result.exit_code == 0, result.output
    summary = json.loads(summary_path.read_text())
    lines = out.read_bytes().splitlines()
    assert summary["produced"] == len(lines) == summary["valid"] + sum(summary["defects"].values())
    assert summary["produced_bytes"] == sum(map(len, lines))
    assert sorted(summary["days"]) == ["2024-02-01", "2024-02-02", "2024-02-03"]
    assert set(summary["scenarios"]) == set(FRAUD_SCENARIOS) and set(summary["defects"]) == set(DEFECT_CLASSES)
    used = {name for name, count in summary["defects"].items() if count}
    assert used == {"malformed_json", "duplicate_transaction_id"}
    assert summary["scenarios"]["card_testing"] > 0
    assert summary["run"] == {"mode": "backfill", "preset": "default", "seed": 3, "start": "2024-02-01",
                              "end": "2024-02-04", "defect_rate": 0.05}
    assert "fraud scenarios" in result.output  # the human summary goes to stderr


def test_bad_options_are_reported_clearly():
    runner = CliRunner()
    result = runner.invoke(main, ["backfill", "--start", "2024-01-02", "--end", "2024-01-01", "--jsonl", "x"])
    assert result.exit_code == 2 and "--end" in result.output
    result = runner.invoke(main, ["backfill", "--start", "2024-01-01", "--end", "2024-01-02", "--preset",
                                  "handbook", "--customers", "10", "--jsonl", "x"])
    assert result.exit_code == 2 and "--customers" in result.output
    result = runner.invoke(main, ["live", "--defect-classes", "typo", "--jsonl", "x"])
    assert result.exit_code == 2 and "typo" in result.output


def test_live_stamps_messages_with_the_current_time():
    sink = MemorySink(keep=True)
    before = datetime.now(UTC)
    summary = live(default_config(300).with_defects(rate=0.0), 1, rate=20_000, sink=sink, limit=2_000)
    after = datetime.now(UTC)
    assert sink.count == summary.totals()["produced"] == 2_000
    times = [datetime.fromisoformat(msgspec.json.decode(v)["event_time"]) for v in sink.values]
    assert all(before <= t <= after for t in times)
    assert times == sorted(times)
    assert all(validate(v) == [] for v in sink.values)
    assert set(summary.days) <= {before.date().isoformat(), after.date().isoformat()}
