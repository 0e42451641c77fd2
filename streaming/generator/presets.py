"""Named configurations: `default` (the rich multi-country world) and `handbook`
(the Fraud Detection Handbook simulator's reference settings, for comparable results)."""

from __future__ import annotations

from .config import DefectConfig, FraudConfig, GeneratorConfig
from .geography import COUNTRIES

DEFAULT_CUSTOMERS = 10_000


def default_config(customers: int = DEFAULT_CUSTOMERS) -> GeneratorConfig:
    """Multi-country world. Pools and per-day fraud counts scale with `customers`, so the
    fraud mix (about 0.8 % overall) does not depend on the population size."""
    scale = customers / DEFAULT_CUSTOMERS
    return GeneratorConfig(
        name="default",
        customers=customers,
        # Two physical terminals per customer, as in the handbook (10,000 for 5,000).
        physical_terminals=2 * customers,
        online_merchants=max(len(COUNTRIES), customers // 20),
        countries=tuple(COUNTRIES),
        fraud=FraudConfig(
            compromised_terminals_per_day=3.0 * scale,
            compromised_cards_per_day=6.0 * scale,
            account_takeovers_per_day=4.0 * scale,
            card_tests_per_day=2.0 * scale,
        ),
        defects=DefectConfig(rate=0.005),
    )


def handbook_config() -> GeneratorConfig:
    """5,000 customers, 10,000 terminals on one 100 x 100 grid, radius 5, card-present only,
    one card per customer, time of day ~ N(12 h, 20000 s), flat week, the handbook's three
    scenarios at its rates and no defects. Mapped onto Belgium (EUR): the handbook's authors
    are in Brussels, and its amounts carry no currency."""
    return GeneratorConfig(
        name="handbook",
        customers=5_000,
        physical_terminals=10_000,
        online_merchants=0,
        countries=("BE",),
        time_of_day="normal",
        weekly_profile=(1.0,) * 7,
        cross_border_share=0.0,
        card_not_present_share=0.0,
        atm_share=0.0,
        second_card_share=0.0,
        fraud=FraudConfig(),
        defects=DefectConfig(rate=0.0),
    )


PRESETS = {"default": default_config, "handbook": handbook_config}
