"""`fraud-generator`: synthetic transactions (backfill, live) or a replayed file, into Kafka
raw-transactions or a JSON Lines file, with a progress bar and a reconciliation summary."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from fraud_platform.settings import Settings

from .config import GeneratorConfig
from .defect_classes import DEFECT_CLASSES
from .presets import DEFAULT_CUSTOMERS, PRESETS, default_config
from .sinks import JsonLinesSink, KafkaSink, Sink
from .summary import Summary


def _sink(topic: str | None, jsonl: Path | None) -> Sink:
    if jsonl is not None:
        return JsonLinesSink(jsonl)
    kafka = Settings.from_env().kafka
    return KafkaSink(kafka.client_config(), topic or kafka.raw_topic)


def _finish(summary: Summary, summary_json: Path | None) -> None:
    click.echo(summary.render(), err=True)
    if summary_json is not None:
        summary.write_json(summary_json)
    if summary.delivery_failed:
        raise click.ClickException(f"{summary.delivery_failed} messages were not delivered")


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--topic", help="Kafka topic. Default: FRAUD_KAFKA_RAW_TOPIC (raw-transactions)."),
            click.option("--jsonl", type=click.Path(path_type=Path, dir_okay=False),
                         help="Write JSON Lines to this file instead of Kafka."),
            click.option("--summary-json", type=click.Path(path_type=Path, dir_okay=False),
                         help="Also write the summary (totals and per UTC day) as JSON here."),
            click.option("--limit", type=click.IntRange(min=1), help="Stop after this many transactions."),
            click.option("--progress/--no-progress", default=True, show_default=True,
                         help="Progress bar on stderr."),
        ]
    ):
        command = option(command)
    return command


def world_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--preset", type=click.Choice(sorted(PRESETS)), default="default", show_default=True,
                         help="handbook = the Fraud Detection Handbook simulator's reference settings."),
            click.option("--seed", type=int, default=42, show_default=True),
            click.option("--customers", type=click.IntRange(min=1),
                         help=f"Population of the default preset (default {DEFAULT_CUSTOMERS:,}); "
                              "terminals and fraud counts scale with it."),
            click.option("--defect-rate", type=click.FloatRange(0, 1, max_open=True),
                         help="Share of malformed messages (default preset 0.005, handbook 0)."),
            click.option("--defect-classes",
                         help=f"Comma-separated subset of: {', '.join(DEFECT_CLASSES)}."),
            click.option("--amount-threshold", type=float, help="Scenario 1 threshold (base units)."),
            click.option("--compromised-terminals-per-day", type=click.FloatRange(min=0),
                         help="Terminals compromised each day (all their transactions fraud for 28 days)."),
            click.option("--compromised-cards-per-day", type=click.FloatRange(min=0),
                         help="Cards compromised each day (1/3 of their transactions x5 for 14 days)."),
            click.option("--account-takeovers-per-day", type=click.FloatRange(min=0),
                         help="Takeovers each day (new device, foreign IP, burst of e-commerce)."),
            click.option("--card-tests-per-day", type=click.FloatRange(min=0),
                         help="Card-testing attacks each day (burst of tiny amounts at one merchant)."),
        ]
    ):
        command = option(command)
    return command


def _config(options: dict[str, Any]) -> GeneratorConfig:
    preset = options.pop("preset")
    customers = options.pop("customers")
    if customers is not None and preset != "default":
        raise click.UsageError("--customers only applies to the default preset")
    config = default_config(customers) if customers else PRESETS[preset]()
    if options.get("defect_rate") is not None:
        config = config.with_defects(rate=options["defect_rate"])
    if options.get("defect_classes"):
        names = [n.strip() for n in options["defect_classes"].split(",") if n.strip()]
        unknown = sorted(set(names) - set(DEFECT_CLASSES))
        if unknown:
            raise click.BadParameter(f"unknown {unknown}; known: {', '.join(DEFECT_CLASSES)}",
                                     param_hint="--defect-classes")
        config = config.with_defects(weights=dict.fromkeys(names, 1.0))
    fraud = {
        name: options[name]
        for name in ("amount_threshold", "compromised_terminals_per_day", "compromised_cards_per_day",
                     "account_takeovers_per_day", "card_tests_per_day")
        if options.get(name) is not None
    }
    return config.with_fraud(**fraud) if fraud else config


def _world(kwargs: dict[str, Any]) -> tuple[GeneratorConfig, int]:
    keys = ("preset", "customers", "defect_rate", "defect_classes", "amount_threshold",
            "compromised_terminals_per_day", "compromised_cards_per_day", "account_takeovers_per_day",
            "card_tests_per_day")
    options = {key: kwargs.pop(key) for key in keys}
    return _config(options), kwargs.pop("seed")


@click.group()
def main() -> None:
    """Synthetic card transactions for the fraud platform (contract-valid, labelled, with defects)."""


@main.command()
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day (UTC).")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Day after the last (exclusive).")
@world_options
@output_options
def backfill(start: Any, end: Any, topic: str | None, jsonl: Path | None, summary_json: Path | None,
             limit: int | None, progress: bool, **world: Any) -> None:
    """Historical days START <= day < END, as fast as possible (same seed: same bytes)."""
    from .run import backfill as run_backfill

    if end.date() <= start.date():
        raise click.BadParameter("must be after --start", param_hint="--end")
    config, seed = _world(world)
    summary = run_backfill(config, seed, start.date(), end.date(), _sink(topic, jsonl), limit=limit,
                           progress=progress)
    _finish(summary, summary_json)


@main.command()
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), default=100.0, show_default=True,
              help="Messages per second.")
@click.option("--duration", type=click.FloatRange(min=0, min_open=True), help="Seconds to run (default: until Ctrl-C).")
@world_options
@output_options
def live(rate: float, duration: float | None, topic: str | None, jsonl: Path | None, summary_json: Path | None,
         limit: int | None, progress: bool, **world: Any) -> None:
    """Transactions with event_time = now, at --rate per second."""
    from .run import live as run_live

    config, seed = _world(world)
    summary = run_live(config, seed, rate, _sink(topic, jsonl), duration=duration, limit=limit, progress=progress)
    _finish(summary, summary_json)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--columns", "preset", type=click.Choice(["handbook", "ulb-creditcard"]),
              help="Column mapping of a known dataset.")
@click.option("--map", "maps", multiple=True, metavar="SOURCE=FIELD",
              help="Map a source column onto a contract field (repeatable; overrides --columns).")
@click.option("--time-origin", help="Numeric event times are seconds after this instant (default: the epoch).")
@click.option("--currency", default="EUR", show_default=True, help="Currency when the file has none.")
@click.option("--country", default="BE", show_default=True, help="Merchant and customer country when absent.")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), help="Messages per second (default: no limit).")
@output_options
def replay(file: Path, preset: str | None, maps: tuple[str, ...], time_origin: str | None, currency: str,
           country: str, rate: float | None, topic: str | None, jsonl: Path | None, summary_json: Path | None,
           limit: int | None, progress: bool) -> None:
    """Stream FILE (CSV or Parquet) of real transactions as contract messages."""
    from dataclasses import replace

    from .replay import COLUMN_PRESETS, ColumnMapping, Place, replay as run_replay

    mapping = COLUMN_PRESETS[preset] if preset else ColumnMapping(columns={})
    extra = {}
    for item in maps:
        source, _, target = item.partition("=")
        if not source or not target:
            raise click.BadParameter(f"{item!r} is not SOURCE=FIELD", param_hint="--map")
        extra[source] = target
    mapping = replace(mapping, columns={**mapping.columns, **extra},
                      time_origin=time_origin or mapping.time_origin)
    try:
        summary = run_replay(file, mapping, _sink(topic, jsonl), place=Place(currency=currency, country=country),
                             rate=rate, limit=limit, progress=progress)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    _finish(summary, summary_json)


if __name__ == "__main__":
    sys.exit(main())
