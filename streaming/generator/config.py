"""Every knob of the simulated world, as frozen dataclasses (presets live in presets.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .defect_classes import DEFECT_CLASSES

# Mon..Sun multipliers of each customer's daily rate (mean 1): a busier Friday/Saturday,
# a quiet Sunday.
WEEKLY_PROFILE = (0.92, 0.95, 0.97, 1.0, 1.12, 1.18, 0.86)
# Relative activity per local hour: quiet nights, a lunch peak and an evening peak.
DAILY_PROFILE = (
    0.6, 0.4, 0.3, 0.2, 0.2, 0.3, 0.8, 1.8, 2.8, 3.5, 4.0, 4.5,
    5.5, 5.2, 4.5, 4.3, 4.6, 5.4, 6.0, 5.6, 4.4, 3.2, 2.0, 1.2,
)


@dataclass(frozen=True)
class FraudConfig:
    """Rates of the five contract scenarios. Counts per day may be fractional: the
    fractional part is the probability of one more that day."""

    amount_threshold: float | None = 220.0  # base-unit amount above which a tx is fraud
    compromised_terminals_per_day: float = 2.0
    compromised_terminal_days: int = 28
    compromised_cards_per_day: float = 3.0
    compromised_card_days: int = 14
    compromised_card_share: float = 1 / 3  # of the card's transactions in the window
    compromised_card_multiplier: float = 5.0
    account_takeovers_per_day: float = 0.0
    account_takeover_burst: tuple[int, int] = (3, 10)  # transactions per takeover, inclusive
    account_takeover_amount_factor: tuple[float, float] = (1.5, 4.0)  # x the customer's mean
    account_takeover_gap_seconds: float = 90.0  # mean gap inside a burst
    card_tests_per_day: float = 0.0
    card_testing_burst: tuple[int, int] = (5, 30)
    card_testing_amount: tuple[float, float] = (0.5, 2.0)  # local currency
    card_testing_gap_seconds: float = 20.0


@dataclass(frozen=True)
class DefectConfig:
    """Share of messages replaced by (or, for duplicates, added as) malformed ones."""

    rate: float = 0.0
    # Relative weight per class; classes left out are never produced.
    weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(DEFECT_CLASSES, 1.0))

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(DEFECT_CLASSES)
        if unknown:
            raise ValueError(f"unknown defect classes {sorted(unknown)}; known: {sorted(DEFECT_CLASSES)}")
        if not 0 <= self.rate < 1:
            raise ValueError(f"defect rate {self.rate} must be in [0, 1)")
        if self.rate and not any(w > 0 for w in self.weights.values()):
            raise ValueError("a positive defect rate needs at least one class with a positive weight")


@dataclass(frozen=True)
class GeneratorConfig:
    name: str
    customers: int
    physical_terminals: int
    online_merchants: int
    countries: tuple[str, ...]
    radius: float = 5.0  # a customer uses the physical terminals this close to home
    mean_amount_range: tuple[float, float] = (5.0, 100.0)  # per-customer mean ~ U(a, b)
    amount_std_ratio: float = 0.5
    tx_per_day_range: tuple[float, float] = (0.0, 4.0)  # per-customer Poisson mean ~ U(a, b)
    # "normal": handbook time of day ~ N(12 h, 20000 s), draws outside the day dropped;
    # "profile": hour drawn from daily_profile in the customer's local time.
    time_of_day: str = "profile"
    daily_profile: tuple[float, ...] = DAILY_PROFILE
    weekly_profile: tuple[float, ...] = WEEKLY_PROFILE
    cross_border_share: float = 0.08  # transactions at a merchant of another country
    card_not_present_share: float = 0.25  # mean per-customer online share (Beta distributed)
    atm_share: float = 0.05  # of physical terminals
    second_card_share: float = 0.3  # customers holding two cards
    fraud: FraudConfig = field(default_factory=FraudConfig)
    defects: DefectConfig = field(default_factory=DefectConfig)

    def __post_init__(self) -> None:
        if self.time_of_day not in ("normal", "profile"):
            raise ValueError(f"time_of_day {self.time_of_day!r} must be 'normal' or 'profile'")
        if len(self.daily_profile) != 24 or len(self.weekly_profile) != 7:
            raise ValueError("daily_profile needs 24 values and weekly_profile 7")

    def with_fraud(self, **changes: object) -> GeneratorConfig:
        return replace(self, fraud=replace(self.fraud, **changes))

    def with_defects(self, **changes: object) -> GeneratorConfig:
        return replace(self, defects=replace(self.defects, **changes))
