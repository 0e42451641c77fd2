"""Small integer codes the NumPy columns carry, and the contract strings they stand for."""

from __future__ import annotations

from fraud_platform.contract import FRAUD_SCENARIOS

# (transaction_type, payment_method, channel) per method code.
METHODS = (
    ("purchase", "chip", "pos"),
    ("purchase", "contactless", "pos"),
    ("purchase", "swipe", "pos"),
    ("withdrawal", "chip", "atm"),
    ("purchase", "online", "ecommerce"),
    ("purchase", "wallet", "mobile_app"),
)
CHIP, CONTACTLESS, SWIPE, ATM_WITHDRAWAL, ECOMMERCE, MOBILE_APP = range(len(METHODS))
CARD_PRESENT_METHODS = (CHIP, CONTACTLESS, SWIPE)
CARD_PRESENT_METHOD_WEIGHTS = (0.45, 0.45, 0.10)

# Scenario 0 is "legitimate"; k >= 1 is FRAUD_SCENARIOS[k - 1].
SCENARIOS: tuple[str | None, ...] = (None, *FRAUD_SCENARIOS)
LEGITIMATE = 0
AMOUNT_THRESHOLD = SCENARIOS.index("amount_threshold")
COMPROMISED_TERMINAL = SCENARIOS.index("compromised_terminal")
COMPROMISED_CARD = SCENARIOS.index("compromised_card")
ACCOUNT_TAKEOVER = SCENARIOS.index("account_takeover")
CARD_TESTING = SCENARIOS.index("card_testing")
