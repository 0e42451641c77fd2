"""Run an expectation list over a pandas DataFrame in an ephemeral GX context and summarise it.

The summary is small and JSON-friendly, so an asset check can put it in its metadata.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fraud_platform.contract import FIELDS, Kind

_NUMERIC = {f.name for f in FIELDS if f.kind in (Kind.MONEY, Kind.DOUBLE)} | {"amount_reporting"}


@dataclass(frozen=True)
class ValidationSummary:
    success: bool
    evaluated: int
    successful: int
    failed: list[str] = field(default_factory=list)  # "<expectation type>(<column>)"
    unexpected_counts: dict[str, int] = field(default_factory=dict)


def _as_float_columns(frame: Any) -> Any:
    # Snowflake returns NUMBER as Python Decimals (object dtype); GX's aggregates want floats.
    frame = frame.copy()
    for column in _NUMERIC & set(frame.columns):
        if frame[column].dtype == object:
            frame[column] = frame[column].astype("float64")
    return frame


def validate_frame(frame: Any, expectations: Sequence[Any], name: str) -> ValidationSummary:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = context.data_sources.add_pandas(name).add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    # Copies: GX binds an expectation to the first suite it joins, and callers reuse their lists.
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=[copy.copy(e) for e in expectations]))
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    result = definition.run(batch_parameters={"dataframe": _as_float_columns(frame)}, result_format="SUMMARY")

    failed: list[str] = []
    unexpected: dict[str, int] = {}
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        label = f"{config.type}({config.kwargs.get('column', 'table')})"
        failed.append(label)
        count = (outcome.result or {}).get("unexpected_count")
        if count is not None:
            unexpected[label] = int(count)
    return ValidationSummary(
        success=bool(result.success), evaluated=len(result.results), successful=len(result.results) - len(failed),
        failed=failed, unexpected_counts=unexpected,
    )
