"""The countries the synthetic world is made of: currency, Faker locale, map position, clock.

Each country is an independent square grid of terminals at the handbook's density (one
terminal per unit square), placed on the real map around `latitude`/`longitude` so the
emitted coordinates look plausible. Currencies are ISO 4217 codes checked against the
contract at import (Faker's currency list is not ISO). `eur_rate` converts the spending
profile's base amounts (EUR-like units) into the merchant's local currency. IP prefixes
are a synthetic geo-IP plan: they only let "foreign IP" mean something inside our data.
"""

from __future__ import annotations

from dataclasses import dataclass

from fraud_platform.contract import COUNTRY_CODES, CURRENCY_CODES


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    locale: str  # Faker locale for city and merchant names
    latitude: float  # map centre
    longitude: float
    span_degrees: float  # the grid is drawn over this many degrees of latitude/longitude
    utc_offset_hours: int  # standard time; local shopping hours are shifted by it
    eur_rate: float  # local currency units per base unit
    customer_weight: float  # share of customers living there (default world)
    ip_first_octet: int


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country("FR", "EUR", "fr_FR", 46.6, 2.4, 6.0, 1, 1.0, 0.14, 90),
        Country("DE", "EUR", "de_DE", 51.2, 10.4, 6.0, 1, 1.0, 0.16, 91),
        Country("ES", "EUR", "es_ES", 40.4, -3.7, 6.0, 1, 1.0, 0.10, 83),
        Country("IT", "EUR", "it_IT", 42.8, 12.5, 5.0, 1, 1.0, 0.10, 79),
        Country("NL", "EUR", "nl_NL", 52.2, 5.3, 2.0, 1, 1.0, 0.05, 145),
        Country("BE", "EUR", "nl_BE", 50.6, 4.5, 1.5, 1, 1.0, 0.04, 81),
        Country("GB", "GBP", "en_GB", 52.5, -1.5, 5.0, 0, 0.85, 0.12, 86),
        Country("US", "USD", "en_US", 39.8, -98.6, 20.0, -6, 1.08, 0.15, 73),
        Country("CH", "CHF", "de_CH", 46.8, 8.2, 1.5, 1, 0.95, 0.03, 85),
        Country("PL", "PLN", "pl_PL", 52.0, 19.1, 5.0, 1, 4.3, 0.05, 89),
        Country("SE", "SEK", "sv_SE", 62.0, 15.0, 8.0, 1, 11.5, 0.03, 78),
        Country("CA", "CAD", "en_CA", 50.0, -95.0, 15.0, -6, 1.47, 0.03, 99),
    )
}

# Where account-takeover traffic comes from: prefixes of no customer's home country.
ATTACKER_IP_FIRST_OCTETS = (41, 103, 177, 185, 197)

for _country in COUNTRIES.values():
    assert _country.code in COUNTRY_CODES and _country.currency in CURRENCY_CODES, _country
