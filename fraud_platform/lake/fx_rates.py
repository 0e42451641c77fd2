"""Reference exchange rates for the processed stage's reporting-currency conversion.

Units of each currency per 1 EUR (ECB euro foreign exchange reference rates, 2 January 2025,
rounded). Fixed on purpose: the processed stage must be reproducible, so a re-run of a day
gives the same amounts. A currency without a rate gets amount_reporting = NULL, counted in the
asset's metadata, rather than a guessed value.
"""

from __future__ import annotations

from decimal import Decimal

UNITS_PER_EUR: dict[str, Decimal] = {code: Decimal(rate) for code, rate in {
    "EUR": "1", "USD": "1.0321", "JPY": "163.44", "BGN": "1.9558", "CZK": "25.197", "DKK": "7.4592",
    "GBP": "0.82918", "HUF": "412.68", "PLN": "4.2713", "RON": "4.9743", "SEK": "11.4935", "CHF": "0.9377",
    "ISK": "144.5", "NOK": "11.7925", "TRY": "36.5012", "AUD": "1.6634", "BRL": "6.3875", "CAD": "1.4874",
    "CNY": "7.5486", "HKD": "8.0315", "IDR": "16735.6", "ILS": "3.7652", "INR": "88.4575", "KRW": "1524.49",
    "MXN": "21.2855", "MYR": "4.6315", "NZD": "1.8374", "PHP": "60.045", "SGD": "1.4105", "THB": "35.476",
    "ZAR": "19.4095",
}.items()}


def rate_to(reporting_currency: str) -> dict[str, Decimal]:
    """Multiplier from each known currency into reporting_currency."""
    if reporting_currency not in UNITS_PER_EUR:
        raise ValueError(
            f"FRAUD_REPORTING_CURRENCY={reporting_currency!r} has no reference rate; use one of "
            f"{', '.join(sorted(UNITS_PER_EUR))}"
        )
    target = UNITS_PER_EUR[reporting_currency]
    return {code: target / units for code, units in UNITS_PER_EUR.items()}
