"""Fraud injected as extra transactions: account takeover and card testing.

Account takeover: a customer's online account is used from a device never seen before,
with an IP from outside the customer's country, for a burst of e-commerce purchases at
several online merchants, amounts a few times the customer's usual. Card testing: a stolen
card number is tried on one online merchant with a burst of tiny amounts, seconds apart.
Each event brings its own new device; the block carries them (`NewDevice`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .behaviour import DAY_SECONDS
from .codes import ACCOUNT_TAKEOVER, CARD_TESTING, ECOMMERCE
from .columns import Columns
from .config import FraudConfig
from .geography import ATTACKER_IP_FIRST_OCTETS
from .pools import Pools


@dataclass(frozen=True, slots=True)
class NewDevice:
    device_type: str
    device_id: str
    ip_address: str


@dataclass
class Bursts:
    owner: np.ndarray  # event index per transaction
    seconds: np.ndarray


def _bursts(rng: np.random.Generator, events: int, size: tuple[int, int], mean_gap: float) -> Bursts:
    lengths = rng.integers(size[0], size[1] + 1, events)
    owner = np.repeat(np.arange(events), lengths)
    gaps = rng.exponential(mean_gap, len(owner))
    elapsed = np.cumsum(gaps)
    ends = np.cumsum(lengths)
    before_event = np.concatenate(([0.0], elapsed[ends[:-1] - 1])) if events else np.zeros(0)
    within = elapsed - gaps - np.repeat(before_event, lengths)  # the first purchase starts the burst
    start = rng.uniform(0, DAY_SECONDS * 0.95, events)
    return Bursts(owner, np.minimum(start[owner] + within, DAY_SECONDS - 1e-3))


def _new_devices(rng: np.random.Generator, events: int) -> list[NewDevice]:
    kinds = rng.random(events) < 0.5
    ids = rng.integers(0, 1 << 48, events)
    octets = rng.choice(ATTACKER_IP_FIRST_OCTETS, events)
    hosts = rng.integers((0, 0, 1), (256, 256, 255), (events, 3))
    return [
        NewDevice("desktop" if k else "mobile", f"X{i:012x}", f"{o}.{a}.{b}.{c}")
        for k, i, o, (a, b, c) in zip(kinds.tolist(), ids.tolist(), octets.tolist(), hosts.tolist())
    ]


class Attacks:
    def __init__(self, pools: Pools, fraud: FraudConfig, eur_rate: np.ndarray) -> None:
        self.pools = pools
        self.fraud = fraud
        self.eur_rate = eur_rate
        self.online_terminals = pools.terminals - pools.physical_terminals

    def account_takeovers(self, rng: np.random.Generator, events: int, device_base: int) -> tuple[Columns, list]:
        pools, fraud = self.pools, self.fraud
        if events == 0 or self.online_terminals == 0:
            return _empty(), []
        customer = rng.integers(0, pools.customers, events)
        bursts = _bursts(rng, events, fraud.account_takeover_burst, fraud.account_takeover_gap_seconds)
        n = len(bursts.owner)
        owner_customer = customer[bursts.owner]
        terminal = self._online(rng, n)
        base = pools.mean_amount[owner_customer] * rng.uniform(*fraud.account_takeover_amount_factor, n)
        columns = {
            "seconds": bursts.seconds,
            "card": pools.first_card[owner_customer].astype(np.int32),
            "terminal": terminal,
            "device": (device_base + bursts.owner).astype(np.int32),
            "method": np.full(n, ECOMMERCE, dtype=np.int8),
            "base_amount": base,
            "amount": base * self.eur_rate[pools.terminal_country[terminal]],
            "scenario": np.full(n, ACCOUNT_TAKEOVER, dtype=np.int8),
        }
        return columns, _new_devices(rng, events)

    def card_tests(self, rng: np.random.Generator, events: int, device_base: int) -> tuple[Columns, list]:
        pools, fraud = self.pools, self.fraud
        if events == 0 or self.online_terminals == 0:
            return _empty(), []
        card = rng.integers(0, len(pools.card_ids), events).astype(np.int32)
        merchant = self._online(rng, events)
        bursts = _bursts(rng, events, fraud.card_testing_burst, fraud.card_testing_gap_seconds)
        n = len(bursts.owner)
        terminal = merchant[bursts.owner]
        amount = rng.uniform(*fraud.card_testing_amount, n)
        columns = {
            "seconds": bursts.seconds,
            "card": card[bursts.owner],
            "terminal": terminal,
            "device": (device_base + bursts.owner).astype(np.int32),
            "method": np.full(n, ECOMMERCE, dtype=np.int8),
            "base_amount": amount / self.eur_rate[pools.terminal_country[terminal]],
            "amount": amount,
            "scenario": np.full(n, CARD_TESTING, dtype=np.int8),
        }
        return columns, _new_devices(rng, events)

    def _online(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return (self.pools.physical_terminals + rng.integers(0, self.online_terminals, n)).astype(np.int32)


def _empty() -> Columns:
    return {
        "seconds": np.zeros(0),
        "card": np.zeros(0, np.int32),
        "terminal": np.zeros(0, np.int32),
        "device": np.zeros(0, np.int32),
        "method": np.zeros(0, np.int8),
        "base_amount": np.zeros(0),
        "amount": np.zeros(0),
        "scenario": np.zeros(0, np.int8),
    }
