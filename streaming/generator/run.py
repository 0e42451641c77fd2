"""The generator's two modes: backfill (historical days, as fast as possible) and live
(event_time = now, at a target rate). Both stream one day block at a time and one chunk
of messages at a time: simulate -> encode -> inject defects -> sink -> summary."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta

from tqdm import tqdm

from .block import DayBlock
from .config import GeneratorConfig
from .defects import DefectInjector
from .encoding import MessageEncoder
from .pacing import Pacer
from .simulator import Simulator, today_utc
from .sinks import Sink
from .summary import Summary
from .timestamps import day_of, now_us

CHUNK_ROWS = 20_000  # messages serialised at once: bounds memory whatever the day's size


class Pipeline:
    def __init__(self, config: GeneratorConfig, seed: int, sink: Sink, summary: Summary, progress: bool) -> None:
        self.simulator = Simulator(config, seed)
        self.encoder = MessageEncoder(self.simulator.pools)
        self.injector = DefectInjector(config.defects, seed)
        self.sink = sink
        self.summary = summary
        self.bar = tqdm(file=sys.stderr, unit="msg", unit_scale=True, disable=not progress, mininterval=0.5)

    def emit(self, block: DayBlock, rows: slice, live_now_us: int | None = None) -> int:
        keys, values = self.encoder.encode(block, rows, live_now_us)
        injected = self.injector.inject(keys, values)
        self.sink.send(injected.keys, injected.values)
        day = (block.day if live_now_us is None else day_of(live_now_us)).isoformat()
        self.summary.add(day, len(injected.values), block.scenario[rows][injected.valid_rows], injected.counts,
                         produced_bytes=sum(map(len, injected.values)))
        self.bar.update(len(injected.values))
        return len(injected.values)

    def finish(self, started: float) -> Summary:
        self.bar.close()
        self.summary.delivery_failed = self.sink.close()
        self.summary.elapsed_seconds = time.monotonic() - started
        return self.summary


def backfill(
    config: GeneratorConfig, seed: int, start: date, end: date, sink: Sink, *,
    limit: int | None = None, progress: bool = False,
) -> Summary:
    """Days start <= day < end. `limit` stops after that many generated transactions
    (duplicates come on top)."""
    summary = Summary(mode="backfill", preset=config.name, seed=seed, start=start.isoformat(),
                      end=end.isoformat(), defect_rate=config.defects.rate)
    pipeline = Pipeline(config, seed, sink, summary, progress)
    started = time.monotonic()
    remaining = limit
    for block in pipeline.simulator.days(start, end):
        for rows in _chunks(len(block), CHUNK_ROWS, remaining):
            pipeline.emit(block, rows)
            if remaining is not None:
                remaining -= rows.stop - rows.start
        if remaining == 0:
            break
    return pipeline.finish(started)


def live(
    config: GeneratorConfig, seed: int, rate: float, sink: Sink, *,
    duration: float | None = None, limit: int | None = None, progress: bool = False,
) -> Summary:
    """Simulated days from today on, sent at `rate` messages/s with event_time = now, until
    `duration` seconds, `limit` transactions or Ctrl-C."""
    summary = Summary(mode="live", preset=config.name, seed=seed, rate=rate, defect_rate=config.defects.rate)
    pipeline = Pipeline(config, seed, sink, summary, progress)
    pacer = Pacer(rate)
    started = time.monotonic()
    remaining = limit
    try:
        for block in pipeline.simulator.days(today_utc(), date.max - timedelta(days=1)):
            for rows in _chunks(len(block), pacer.chunk_size(), remaining):
                if duration is not None and pacer.elapsed() >= duration:
                    return pipeline.finish(started)
                pacer.wait(pipeline.emit(block, rows, now_us()))
                if remaining is not None:
                    remaining -= rows.stop - rows.start
            if remaining == 0:
                break
    except KeyboardInterrupt:
        pass
    return pipeline.finish(started)


def _chunks(n: int, size: int, limit: int | None) -> Iterator[slice]:
    stop = n if limit is None else min(n, limit)
    for begin in range(0, stop, size):
        yield slice(begin, min(begin + size, stop))
