"""Replaying a file of real transactions gives contract-valid, deterministic messages."""

from __future__ import annotations

import json
import uuid

import msgspec
import pandas as pd
import pytest
from click.testing import CliRunner

from fraud_platform.contract import validate
from streaming.generator.cli import main
from streaming.generator.replay import COLUMN_PRESETS, REPLAY_NAMESPACE, ColumnMapping, replay
from streaming.generator.sinks import MemorySink

HANDBOOK_ROWS = """TRANSACTION_ID,TX_DATETIME,CUSTOMER_ID,TERMINAL_ID,TX_AMOUNT,TX_TIME_SECONDS,TX_TIME_DAYS,TX_FRAUD,TX_FRAUD_SCENARIO
0,2018-04-01 00:00:31,596,3156,57.16,31,0,0,0
1,2018-04-01 00:02:10,4961,3412,81.51,130,0,0,0
2,2018-04-01 00:07:56,2,1365,146.00,476,0,0,0
3,2018-04-01 00:09:29,4128,8737,226.71,569,0,1,1
4,2018-04-02 10:15:00,0927,0042,12.50,123300,1,1,2
"""


@pytest.fixture
def handbook_csv(tmp_path):
    path = tmp_path / "2018-04-01.csv"
    path.write_text(HANDBOOK_ROWS)
    return path


def test_handbook_columns(handbook_csv):
    sink = MemorySink(keep=True)
    summary = replay(handbook_csv, COLUMN_PRESETS["handbook"], sink)
    docs = [msgspec.json.decode(v) for v in sink.values]
    assert [validate(v) for v in sink.values] == [[]] * 5
    assert [d["transaction_id"] for d in docs] == [str(uuid.uuid5(REPLAY_NAMESPACE, str(i))) for i in range(5)]
    first, fraud, leading_zeros = docs[0], docs[3], docs[4]
    assert first["event_time"] == "2018-04-01T00:00:31.000000Z"
    assert (first["customer_id"], first["card_id"], first["terminal_id"]) == ("596", "K-596", "3156")
    assert (first["amount"], first["currency"], first["country"], first["channel"]) == (57.16, "EUR", "BE", "pos")
    assert first["is_fraud"] is False and first["fraud_scenario"] is None
    assert (fraud["is_fraud"], fraud["fraud_scenario"]) == (True, "amount_threshold")
    assert (leading_zeros["customer_id"], leading_zeros["fraud_scenario"]) == ("0927", "compromised_terminal")
    assert sink.keys == [d["card_id"].encode() for d in docs]
    totals = summary.totals()
    assert (totals["produced"], totals["valid"], totals["fraud"]) == (5, 5, 2)
    assert summary.days["2018-04-02"]["scenarios"]["compromised_terminal"] == 1

    again = MemorySink(keep=True)
    replay(handbook_csv, COLUMN_PRESETS["handbook"], again)
    assert again.values == sink.values


def test_parquet_with_a_custom_mapping_through_the_cli(tmp_path):
    path = tmp_path / "cards.parquet"
    pd.DataFrame(
        {"ts": pd.to_datetime(["2023-09-01T10:00:00Z", "2023-09-01T11:30:00.25Z"], format="ISO8601"), "amt": [10.0, 0.0],
         "pan_token": ["tok-1", "tok-2"], "label": [0, 1]}
    ).to_parquet(path)
    out, summary_path = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = CliRunner().invoke(main, [
        "replay", str(path), "--map", "ts=event_time", "--map", "amt=amount", "--map", "pan_token=card_id",
        "--map", "label=is_fraud", "--currency", "USD", "--country", "US", "--jsonl", str(out),
        "--summary-json", str(summary_path), "--no-progress",
    ])
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines()
    docs = [msgspec.json.decode(line) for line in lines]
    assert [d["card_id"] for d in docs] == ["tok-1", "tok-2"]
    assert docs[1]["event_time"] == "2023-09-01T11:30:00.250000Z"
    assert (docs[0]["currency"], docs[0]["country"]) == ("USD", "US")
    assert validate(lines[0]) == []
    # A zero amount is real source data: sent as it is, and counted under its reason.
    assert [v.reason.value for v in validate(lines[1])] == ["non_positive_amount"]
    summary = json.loads(summary_path.read_text())
    assert (summary["produced"], summary["valid"], summary["defects"]["non_positive_amount"]) == (2, 1, 1)


def test_a_file_without_event_time_or_amount_is_refused(handbook_csv):
    with pytest.raises(ValueError, match="event_time"):
        replay(handbook_csv, ColumnMapping(columns={"TX_AMOUNT": "amount"}), MemorySink())
