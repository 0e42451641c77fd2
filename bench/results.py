"""Keep bench/RESULTS.md as one table, one row per (benchmark, metric), updated in place."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = [
    "# Benchmark results",
    "",
    "Each figure is measured side by side with its anchor in one run; re-running a benchmark",
    "with `--update-results` replaces its rows.",
    "",
    "| benchmark | metric | value | anchor value | ratio | date | command |",
    "|---|---|---|---|---|---|---|",
]


def update_row(benchmark: str, metric: str, value: str, anchor: str, ratio: str, day: str, command: str) -> None:
    rows = []
    if RESULTS.exists():
        rows = [line for line in RESULTS.read_text().splitlines() if line.startswith("| ") and
                not line.startswith("| benchmark |")]
    row = f"| {benchmark} | {metric} | {value} | {anchor} | {ratio} | {day} | `{command}` |"
    prefix = f"| {benchmark} | {metric} |"
    rows = [r for r in rows if not r.startswith(prefix)] + [row]
    RESULTS.write_text("\n".join(HEADER + sorted(rows)) + "\n")
