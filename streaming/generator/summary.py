"""Counts of what a run produced, in total and per UTC day, for reconciliation with what
the validator and the lake report.

produced = valid + sum(defects). `valid` counts messages valid under the contract and seen
for the first time (a duplicate_transaction_id re-send is counted as a defect, not as
valid). `scenarios` counts valid messages per fraud scenario; `fraud` is their sum. A
defect is counted on the day of the transaction it was made from. `delivery_failed`
counts messages the sink reported as not delivered (Kafka delivery errors).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from fraud_platform.contract import FRAUD_SCENARIOS

from .codes import SCENARIOS
from .defect_classes import DEFECT_CLASSES


def _empty_day() -> dict[str, Any]:
    return {
        "produced": 0,
        "produced_bytes": 0,
        "valid": 0,
        "fraud": 0,
        "scenarios": dict.fromkeys(FRAUD_SCENARIOS, 0),
        "defects": dict.fromkeys(DEFECT_CLASSES, 0),
    }


class Summary:
    def __init__(self, **run: Any) -> None:
        self.run = run  # options that produced the data (preset, seed, mode, ...)
        self.days: dict[str, dict[str, Any]] = {}
        self.delivery_failed = 0
        self.elapsed_seconds = 0.0

    def add(
        self, day: str, produced: int, scenario_codes: np.ndarray, defects: Counter[str], unlabelled_fraud: int = 0,
        produced_bytes: int = 0,
    ) -> None:
        """`scenario_codes`: the codes.SCENARIOS index of every valid message; `unlabelled_fraud`:
        valid fraud messages among them with no scenario (replayed data)."""
        counts = self.days.setdefault(day, _empty_day())
        per_code = np.bincount(scenario_codes, minlength=len(SCENARIOS)).tolist()
        counts["produced"] += produced
        counts["produced_bytes"] += produced_bytes
        counts["valid"] += len(scenario_codes)
        counts["fraud"] += sum(per_code[1:]) + unlabelled_fraud
        for code, name in enumerate(SCENARIOS[1:], start=1):
            counts["scenarios"][name] += per_code[code]
        for name, count in defects.items():
            # Replayed data may break rules outside the generator's taxonomy.
            counts["defects"][name] = counts["defects"].get(name, 0) + count

    def totals(self) -> dict[str, Any]:
        total = _empty_day()
        for counts in self.days.values():
            for key in ("produced", "produced_bytes", "valid", "fraud"):
                total[key] += counts[key]
            for group in ("scenarios", "defects"):
                for name, count in counts[group].items():
                    total[group][name] = total[group].get(name, 0) + count
        return total

    def to_dict(self) -> dict[str, Any]:
        total = self.totals()
        return {
            "run": self.run,
            **total,
            "invalid": total["produced"] - total["valid"],
            "delivery_failed": self.delivery_failed,
            "elapsed_seconds": round(self.elapsed_seconds, 3),
            "messages_per_second": round(total["produced"] / self.elapsed_seconds) if self.elapsed_seconds else None,
            "days": dict(sorted(self.days.items())),
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    def render(self) -> str:
        total = self.totals()
        produced = total["produced"]
        rate = produced / self.elapsed_seconds if self.elapsed_seconds else 0.0
        lines = [
            f"produced {produced:,} messages in {self.elapsed_seconds:.1f} s ({rate:,.0f}/s); "
            f"valid {total['valid']:,}, fraud {total['fraud']:,} "
            f"({100 * total['fraud'] / max(total['valid'], 1):.3f} % of valid), "
            f"delivery failures {self.delivery_failed:,}",
            "fraud scenarios (valid messages):",
            *(f"  {name:<24} {count:>12,}" for name, count in total["scenarios"].items()),
            "defects (duplicate_transaction_id re-sends an earlier valid message; valid on its own):",
            *(f"  {name:<24} {count:>12,}" for name, count in total["defects"].items()),
            "per UTC day: produced / valid / fraud / defects",
            *(
                f"  {day}  {c['produced']:>10,} {c['valid']:>10,} {c['fraud']:>8,} {sum(c['defects'].values()):>8,}"
                for day, c in sorted(self.days.items())
            ),
        ]
        return "\n".join(lines)
