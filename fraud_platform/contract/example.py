"""A transaction that satisfies the contract: the schema's example and every test's baseline."""

from __future__ import annotations

from typing import Any

from .enums import SCHEMA_VERSION


def example_transaction() -> dict[str, Any]:
    """A fresh dict each call, so callers may mutate it into invalid variants."""
    return {
        "transaction_id": "0b6f9a52-3c1e-4f7a-9d2b-5e8c1a4f7b30",
        "event_time": "2024-05-01T12:34:56.789000Z",
        "customer_id": "C000042",
        "card_id": "K000042-01",
        "terminal_id": "T00017",
        "merchant_id": "M000123",
        "merchant_name": "Corner Grocery",
        "mcc": "5411",
        "merchant_category": "Grocery Stores and Supermarkets",
        "amount": 42.5,
        "currency": "EUR",
        "transaction_type": "purchase",
        "payment_method": "contactless",
        "channel": "pos",
        "device_type": "pos_terminal",
        "device_id": "POS-00017",
        "ip_address": None,
        "country": "FR",
        "customer_country": "FR",
        "city": "Lyon",
        "latitude": 45.764,
        "longitude": 4.8357,
        "is_fraud": False,
        "fraud_scenario": None,
        "schema_version": SCHEMA_VERSION,
    }
