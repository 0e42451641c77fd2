"""Numeric limits of the contract, including the one that is configured per deployment.

FRAUD_CONTRACT_MAX_AMOUNT is declared (with its default) in fraud_platform.settings and parsed
here, where its storability is checked.
"""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from fraud_platform.settings import ContractSettings

MAX_AMOUNT_ENV = "FRAUD_CONTRACT_MAX_AMOUNT"
DEFAULT_MAX_AMOUNT = Decimal(ContractSettings().max_amount)

# DECIMAL(12,2) in every sink: cents are the smallest unit stored, and 10 integer digits
# leave headroom far above any configured maximum.
AMOUNT_PRECISION = 12
AMOUNT_SCALE = 2
AMOUNT_STEP = Decimal(1).scaleb(-AMOUNT_SCALE)  # 0.01
_AMOUNT_CEILING = Decimal(10) ** (AMOUNT_PRECISION - AMOUNT_SCALE)

# Producers' clocks drift; an event this far ahead of the validator's clock is still
# believed, anything later is rejected as a future timestamp.
FUTURE_TOLERANCE = timedelta(minutes=5)

# A transaction is well under 2 KiB; anything far larger is garbage or abuse and is
# rejected before it is parsed.
MAX_MESSAGE_BYTES = 64 * 1024


def max_amount(environ: dict[str, str] | None = None) -> Decimal:
    """The largest accepted amount: FRAUD_CONTRACT_MAX_AMOUNT, default 50000.00."""
    env = os.environ if environ is None else environ
    raw = env.get(MAX_AMOUNT_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_MAX_AMOUNT
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ValueError(f"{MAX_AMOUNT_ENV}={raw!r} is not a decimal number") from None
    # The limit itself must be storable, or the warehouse would reject accepted records.
    if not (value.is_finite() and 0 < value < _AMOUNT_CEILING and value % AMOUNT_STEP == 0):
        raise ValueError(
            f"{MAX_AMOUNT_ENV}={raw!r} must be positive, below {_AMOUNT_CEILING} "
            f"and have at most {AMOUNT_SCALE} decimal places"
        )
    return value
