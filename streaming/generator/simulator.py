"""Days of transactions from one seeded NumPy generator: behaviour, then labelled
scenarios, then injected attacks, merged and sorted by time. Days must be asked for in
order: compromises carry over from one day to the next."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import numpy as np

from fraud_platform.contract import max_amount

from .attacks import Attacks
from .behaviour import Behaviour
from .block import DayBlock
from .columns import concat, draw_count, take
from .compromise import Compromises
from .config import GeneratorConfig
from .pools import Pools, build_pools
from .uuids import uuid4_bytes

_EPOCH = date(1970, 1, 1)


class Simulator:
    def __init__(self, config: GeneratorConfig, seed: int, pools: Pools | None = None) -> None:
        self.config = config
        self.pools = build_pools(config, seed) if pools is None else pools
        self.rng = np.random.default_rng([seed, 1])
        self.behaviour = Behaviour(self.pools, config)
        self.compromises = Compromises(self.pools, config.fraud)
        self.attacks = Attacks(self.pools, config.fraud, self.behaviour.eur_rate)
        self.device_count = self.pools.terminals + len(self.pools.device_ids)
        self.max_cents = int(max_amount() * 100)
        self.day_index = 0

    def days(self, start: date, end: date) -> Iterator[DayBlock]:
        """Blocks for start <= day < end."""
        day = start
        while day < end:
            yield self.day(day)
            day += timedelta(days=1)

    def day(self, day: date) -> DayBlock:
        rng, fraud = self.rng, self.config.fraud
        self.compromises.start_day(rng, self.day_index)
        legit = self.behaviour.day(rng, day.weekday())
        self.compromises.label(rng, self.day_index, legit)
        takeovers, takeover_devices = self.attacks.account_takeovers(
            rng, draw_count(rng, fraud.account_takeovers_per_day), self.device_count
        )
        tests, test_devices = self.attacks.card_tests(
            rng, draw_count(rng, fraud.card_tests_per_day), self.device_count + len(takeover_devices)
        )
        columns = concat([legit, takeovers, tests])
        columns = take(columns, np.argsort(columns["seconds"], kind="stable"))
        self.day_index += 1

        day_start_us = (day - _EPOCH).days * 86_400_000_000
        cents = np.rint(columns["amount"] * 100).astype(np.int64)
        return DayBlock(
            day=day,
            time_us=day_start_us + (columns["seconds"] * 1e6).astype(np.int64),
            transaction_id=uuid4_bytes(rng, len(cents)),
            card=columns["card"],
            terminal=columns["terminal"],
            device=columns["device"],
            method=columns["method"],
            # At least one cent (the handbook's U(0, 2 mean) can round to zero) and never
            # over the contract's limit: every generated transaction must be valid.
            amount_cents=np.clip(cents, 1, self.max_cents),
            scenario=columns["scenario"],
            new_devices=takeover_devices + test_devices,
        )


def today_utc() -> date:
    return datetime.now(UTC).date()
