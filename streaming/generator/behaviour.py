"""One day of legitimate transactions, vectorised over all customers.

Handbook core: Poisson count per customer per day around its own mean, amount ~ N(mean,
mean/2) (a negative draw is replaced by U(0, 2 mean)), a terminal drawn uniformly among
those near home. On top, for the default world: a weekly rhythm scaling the daily rate, an
hourly profile in the customer's local time, card-not-present purchases at online
merchants with the customer's own devices, cross-border purchases, ATM withdrawals and
local currencies.
"""

from __future__ import annotations

import numpy as np

from .codes import ATM_WITHDRAWAL, CARD_PRESENT_METHOD_WEIGHTS, CARD_PRESENT_METHODS, ECOMMERCE, MOBILE_APP
from .columns import Columns, pick_in_groups, take
from .config import GeneratorConfig
from .pools import Pools

DAY_SECONDS = 86_400
HANDBOOK_TIME_MEAN = DAY_SECONDS / 2
HANDBOOK_TIME_STD = 20_000


class Behaviour:
    def __init__(self, pools: Pools, config: GeneratorConfig) -> None:
        self.pools = pools
        self.config = config
        profile = np.asarray(config.daily_profile, dtype=float)
        self.hour_p = profile / profile.sum()
        self.utc_offset = np.array([c.utc_offset_hours * 3600 for c in pools.countries])
        self.eur_rate = np.array([c.eur_rate for c in pools.countries])
        self.customer_device_base = pools.terminals

    def day(self, rng: np.random.Generator, weekday: int) -> Columns:
        pools, config = self.pools, self.config
        counts = rng.poisson(pools.tx_rate * config.weekly_profile[weekday])
        customer = np.repeat(np.arange(pools.customers, dtype=np.int32), counts)
        seconds = self._time_of_day(rng, customer)
        if config.time_of_day == "normal":
            keep = (seconds > 0) & (seconds < DAY_SECONDS)  # handbook: draws outside the day are dropped
            customer, seconds = customer[keep], seconds[keep]
        n = len(customer)

        mean = pools.mean_amount[customer]
        base = rng.normal(mean, pools.std_amount[customer])
        negative = base < 0
        base[negative] = rng.uniform(0, 2 * mean[negative])

        online = rng.random(n) < pools.online_share[customer]
        home = pools.customer_country[customer].astype(np.int64)
        country = home.copy()
        foreign = np.zeros(n, dtype=bool)
        if len(pools.countries) > 1:
            foreign = rng.random(n) < config.cross_border_share
            # Uniform among the other countries.
            others = rng.integers(0, len(pools.countries) - 1, foreign.sum())
            country[foreign] = (home[foreign] + 1 + others) % len(pools.countries)
        u = rng.random(n)
        terminal = np.full(n, -1, dtype=np.int32)
        near_home = ~online & ~foreign
        has_neighbours = pools.neighbours.counts[customer] > 0
        local = near_home & has_neighbours
        terminal[local] = pick_in_groups(pools.neighbours.offsets, pools.neighbours.indices, customer[local], u[local])
        abroad = ~online & foreign
        terminal[abroad] = pick_in_groups(
            pools.physical_by_country.offsets, pools.physical_by_country.indices, country[abroad], u[abroad]
        )
        if online.any():
            terminal[online] = self._online_terminal(country[online], u[online])

        card_choice = rng.random(n)
        method_choice = rng.random(n)
        device_choice = rng.random(n)
        card = pools.first_card[customer] + ((card_choice < 0.5) * (pools.card_count[customer] - 1)).astype(np.int32)

        method = np.asarray(CARD_PRESENT_METHODS, dtype=np.int8)[
            np.searchsorted(np.cumsum(CARD_PRESENT_METHOD_WEIGHTS), method_choice * sum(CARD_PRESENT_METHOD_WEIGHTS))
        ]
        present = terminal < pools.physical_terminals
        atm = present & pools.is_atm[np.maximum(terminal, 0)]
        method[atm] = ATM_WITHDRAWAL
        method[online] = np.where(method_choice[online] < 0.4, MOBILE_APP, ECOMMERCE)
        # Card present: the terminal's own device; online: the phone, or for web purchases
        # often the computer/tablet.
        device = np.where(
            present,
            terminal,
            self.customer_device_base + 2 * customer + ((method == ECOMMERCE) & (device_choice < 0.6)),
        ).astype(np.int32)

        amount = base * self.eur_rate[pools.terminal_country[np.maximum(terminal, 0)]]
        amount[atm] = np.ceil(amount[atm] / 10) * 10  # cash comes in notes

        columns = {
            "seconds": seconds,
            "card": card,
            "terminal": terminal,
            "device": device,
            "method": method,
            "base_amount": base,
            "amount": amount,
            "scenario": np.zeros(n, dtype=np.int8),
        }
        # Handbook: a customer with no terminal near home makes no card-present purchase.
        return take(columns, np.flatnonzero(terminal >= 0))

    def _time_of_day(self, rng: np.random.Generator, customer: np.ndarray) -> np.ndarray:
        n = len(customer)
        if self.config.time_of_day == "normal":
            return rng.normal(HANDBOOK_TIME_MEAN, HANDBOOK_TIME_STD, n)
        local = rng.choice(24, n, p=self.hour_p) * 3600 + rng.random(n) * 3600
        # Local shopping hours shifted to UTC, wrapped into the same UTC day so each day's
        # block stays self-contained (a US evening lands in that UTC day's early hours).
        return (local - self.utc_offset[self.pools.customer_country[customer]]) % DAY_SECONDS

    def _online_terminal(self, country: np.ndarray, u: np.ndarray) -> np.ndarray:
        pools = self.pools
        csr = pools.online_by_country
        available = csr.counts[country] > 0
        chosen = pools.physical_terminals + (u * (pools.terminals - pools.physical_terminals)).astype(np.int32)
        chosen[available] = pick_in_groups(csr.offsets, csr.indices, country[available], u[available]) + (
            pools.physical_terminals
        )
        return chosen
