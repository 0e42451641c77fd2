"""Closed value sets of the transaction contract.

Tuples, not Python Enum classes: the values travel as plain strings through JSON, Spark,
SQL and Elasticsearch, and each derivation only needs the list of allowed strings.
"""

from __future__ import annotations

# Bumped on any incompatible change to FIELDS; consumers dispatch on it.
SCHEMA_VERSION = 1
SUPPORTED_SCHEMA_VERSIONS = (SCHEMA_VERSION,)

TRANSACTION_TYPES = ("purchase", "withdrawal", "transfer", "refund", "payment")
PAYMENT_METHODS = ("chip", "swipe", "contactless", "online", "wallet")
CHANNELS = ("pos", "ecommerce", "atm", "mobile_app")
# The card is physically at a terminal, so there is no customer IP address.
CARD_PRESENT_CHANNELS = ("pos", "atm")
DEVICE_TYPES = ("mobile", "desktop", "tablet", "pos_terminal", "atm")
FRAUD_SCENARIOS = (
    "amount_threshold",
    "compromised_terminal",
    "compromised_card",
    "account_takeover",
    "card_testing",
)
