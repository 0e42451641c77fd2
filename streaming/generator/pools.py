"""Entity pools, built once per run with Faker (names, cities) and NumPy (everything
numeric): customers, cards, physical terminals and online merchants, devices.

Faker is only used here: transactions index into these pools from NumPy arrays. Both
Faker and the NumPy generator are seeded, so the same seed gives the same world.
Index conventions: terminals 0..P-1 are physical, P..P+O-1 online (one merchant per
terminal); devices 0..T-1 are the terminals' own (POS/ATM), T+2c is customer c's phone
and T+2c+1 their computer or tablet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from faker import Faker

from .config import GeneratorConfig
from .geography import COUNTRIES, Country
from .neighbours import terminals_within

ATM_MCC = "6011"
# Card-present merchant categories and how common they are.
PHYSICAL_MCC = {
    "5411": 20, "5812": 12, "5814": 10, "5541": 8, "5311": 6, "5912": 6, "5999": 6, "5651": 5,
    "5732": 3, "4111": 4, "4121": 3, "7011": 2, "7832": 2, "5944": 1, "7995": 1, "8062": 1,
}
ONLINE_MCC = {"5999": 10, "5815": 8, "5816": 5, "4511": 4, "4814": 4, "5732": 6, "7011": 4, "5311": 5, "5651": 5,
              "4900": 3, "4829": 1}
CITY_CELL = 20.0  # grid units per city: a 100 x 100 grid has 25 cities


@dataclass(frozen=True)
class CSR:
    """Groups of indices: group g is indices[offsets[g]:offsets[g+1]]."""

    offsets: np.ndarray
    indices: np.ndarray

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    @classmethod
    def group(cls, keys: np.ndarray, groups: int) -> CSR:
        order = np.argsort(keys, kind="stable")
        counts = np.bincount(keys, minlength=groups)
        return cls(np.concatenate(([0], np.cumsum(counts))), order.astype(np.int32))


@dataclass(frozen=True)
class Pools:
    countries: tuple[Country, ...]
    # customers
    customer_ids: list[str]
    customer_country: np.ndarray  # index into countries
    mean_amount: np.ndarray
    std_amount: np.ndarray
    tx_rate: np.ndarray  # mean transactions per day
    online_share: np.ndarray
    first_card: np.ndarray
    card_count: np.ndarray
    neighbours: CSR  # physical terminals near home, per customer
    # cards
    card_ids: list[str]
    card_customer: np.ndarray
    # terminals (physical then online), one merchant each
    physical_terminals: int
    terminal_ids: list[str]
    merchant_ids: list[str]
    merchant_names: list[str]
    mcc: list[str]
    cities: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    terminal_country: np.ndarray
    is_atm: np.ndarray
    physical_by_country: CSR
    online_by_country: CSR
    # customer devices: 2 per customer, after the terminals' own devices
    device_ids: list[str]
    device_types: list[str]
    device_ips: list[str]

    @property
    def terminals(self) -> int:
        return len(self.terminal_ids)

    @property
    def customers(self) -> int:
        return len(self.customer_ids)


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """`total` split by `weights` into integers that sum to `total`."""
    counts = np.floor(total * weights / weights.sum()).astype(np.int64)
    counts[np.argsort(-weights, kind="stable")[: total - counts.sum()]] += 1
    return counts


def _weighted(rng: np.random.Generator, table: dict[str, int], n: int) -> list[str]:
    codes = list(table)
    p = np.array(list(table.values()), dtype=float)
    return [codes[i] for i in rng.choice(len(codes), n, p=p / p.sum())]


def _hex_ids(rng: np.random.Generator, prefix: str, n: int) -> list[str]:
    return [f"{prefix}{v:012x}" for v in rng.integers(0, 1 << 48, n).tolist()]


def build_pools(config: GeneratorConfig, seed: int) -> Pools:
    rng = np.random.default_rng([seed, 0])
    countries = tuple(COUNTRIES[c] for c in config.countries)
    fakers = {}
    for country in countries:
        fakers[country.code] = Faker(country.locale)
        fakers[country.code].seed_instance(seed)

    # Customers live on their country's grid; each country grid holds its share of the
    # physical terminals at the handbook's density (1 per unit square).
    n_customers = config.customers
    weights = np.array([c.customer_weight for c in countries])
    customer_country = np.repeat(np.arange(len(countries)), _split(n_customers, weights)).astype(np.int16)
    per_country_customers = np.bincount(customer_country, minlength=len(countries))
    terminals_per_country = _split(config.physical_terminals, np.maximum(per_country_customers, 1e-9))
    side = np.sqrt(np.maximum(terminals_per_country, 1))

    customer_xy = rng.uniform(0, 1, (n_customers, 2)) * side[customer_country, None]
    mean_amount = rng.uniform(*config.mean_amount_range, n_customers)
    std_amount = mean_amount * config.amount_std_ratio
    tx_rate = rng.uniform(*config.tx_per_day_range, n_customers)
    share = config.card_not_present_share
    online_share = rng.beta(2.0, 2.0 * (1 - share) / share, n_customers) if share > 0 else np.zeros(n_customers)
    card_count = 1 + (rng.random(n_customers) < config.second_card_share).astype(np.int8)
    first_card = np.concatenate(([0], np.cumsum(card_count)[:-1])).astype(np.int32)
    card_customer = np.repeat(np.arange(n_customers, dtype=np.int32), card_count)
    customer_ids = [f"C{i:07d}" for i in range(n_customers)]
    card_ids = [f"K{c:07d}-{i - first_card[c] + 1:02d}" for i, c in enumerate(card_customer.tolist())]

    # Physical terminals.
    n_physical = config.physical_terminals
    physical_country = np.repeat(np.arange(len(countries)), terminals_per_country).astype(np.int16)
    terminal_xy = rng.uniform(0, 1, (n_physical, 2)) * side[physical_country, None]
    is_atm = rng.random(n_physical) < config.atm_share
    physical_mcc = _weighted(rng, PHYSICAL_MCC, n_physical)
    physical_mcc = [ATM_MCC if atm else m for atm, m in zip(is_atm.tolist(), physical_mcc)]

    # Online merchants: registered in a country (weighted like customers), no grid position.
    n_online = config.online_merchants
    online_country = rng.choice(len(countries), n_online, p=weights / weights.sum()).astype(np.int16)
    online_xy = rng.uniform(0, 1, (n_online, 2)) * side[online_country, None]
    online_mcc = _weighted(rng, ONLINE_MCC, n_online)

    terminal_country = np.concatenate((physical_country, online_country))
    xy = np.concatenate((terminal_xy, online_xy))
    n_terminals = n_physical + n_online
    cities, latitude, longitude = _places(countries, fakers, terminal_country, xy, side)
    merchant_names = [
        ("ATM " if i < n_physical and is_atm[i] else "") + fakers[countries[c].code].company()
        for i, c in enumerate(terminal_country.tolist())
    ]

    neighbour_parts = [
        terminals_within(
            customer_xy[customer_country == k],
            terminal_xy[physical_country == k],
            np.flatnonzero(physical_country == k),
            config.radius,
        )
        for k in range(len(countries))
    ]
    # Customers are stored country by country, so the per-country CSRs simply concatenate.
    neighbours = CSR(
        np.concatenate(([0], np.cumsum(np.concatenate([np.diff(o) for o, _ in neighbour_parts])))),
        np.concatenate([i for _, i in neighbour_parts]).astype(np.int32),
    )

    device_types = []
    for computer in (rng.random(n_customers) < 0.7).tolist():
        device_types += ["mobile", "desktop" if computer else "tablet"]
    octets = np.repeat(np.array([c.ip_first_octet for c in countries])[customer_country], 2)
    hosts = rng.integers((0, 0, 1), (256, 256, 255), (2 * n_customers, 3))
    device_ips = [f"{o}.{a}.{b}.{c}" for o, (a, b, c) in zip(octets.tolist(), hosts.tolist())]

    return Pools(
        countries=countries,
        customer_ids=customer_ids,
        customer_country=customer_country,
        mean_amount=mean_amount,
        std_amount=std_amount,
        tx_rate=tx_rate,
        online_share=online_share,
        first_card=first_card,
        card_count=card_count,
        neighbours=neighbours,
        card_ids=card_ids,
        card_customer=card_customer,
        physical_terminals=n_physical,
        terminal_ids=[f"T{i:07d}" for i in range(n_terminals)],
        merchant_ids=[f"M{i:07d}" for i in range(n_terminals)],
        merchant_names=merchant_names,
        mcc=physical_mcc + online_mcc,
        cities=cities,
        latitude=latitude,
        longitude=longitude,
        terminal_country=terminal_country,
        is_atm=np.concatenate((is_atm, np.zeros(n_online, dtype=bool))),
        physical_by_country=CSR.group(physical_country, len(countries)),
        online_by_country=CSR.group(online_country, len(countries)),
        device_ids=_hex_ids(rng, "D", 2 * n_customers),
        device_types=device_types,
        device_ips=device_ips,
    )


def _places(
    countries: tuple[Country, ...], fakers: dict[str, Faker], country: np.ndarray, xy: np.ndarray, side: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """City (one Faker name per CITY_CELL square of a country grid) and WGS 84 position."""
    cells_per_row = np.maximum(1, np.ceil(side / CITY_CELL)).astype(np.int64)
    cell = (np.minimum(xy[:, 1] // CITY_CELL, cells_per_row[country] - 1) * cells_per_row[country]
            + np.minimum(xy[:, 0] // CITY_CELL, cells_per_row[country] - 1)).astype(np.int64)
    city_names = [
        [fakers[c.code].city() for _ in range(int(cells_per_row[k]) ** 2)] for k, c in enumerate(countries)
    ]
    cities = [city_names[k][j] for k, j in zip(country.tolist(), cell.tolist())]
    # A square on the map: longitude degrees shrink with latitude.
    centre = np.array(
        [[c.latitude, c.longitude, c.span_degrees, c.span_degrees / math.cos(math.radians(c.latitude))]
         for c in countries]
    )[country]
    relative = xy / side[country, None] - 0.5
    latitude = np.round(centre[:, 0] + relative[:, 1] * centre[:, 2], 5)
    longitude = np.round(centre[:, 1] + relative[:, 0] * centre[:, 3], 5)
    return cities, latitude, longitude
