"""The named taxonomy of malformed messages, each named by the contract Reason the
validator reports for it, and how to turn one valid message into an instance of it.

DEFECT_CLASSES maps the reason code to a DefectClass; the validator's tests can use it to
make a defective message of any class from a valid one, and to reconcile counts. Every
corruption breaks exactly one rule, so validate() reports exactly that one reason (except
duplicate_transaction_id: a byte-for-byte re-send of an earlier valid message, valid on
its own, detected downstream by its repeated transaction_id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

import msgspec
import numpy as np

from fraud_platform.contract import FIELDS, MAX_MESSAGE_BYTES, Reason, max_amount

Corrupt = Callable[[bytes, np.random.Generator], bytes]


@dataclass(frozen=True, slots=True)
class DefectClass:
    name: str  # == reason.value
    reason: Reason
    description: str
    corrupt: Corrupt  # valid message -> defective message
    repeats_earlier: bool = False  # sent in addition to, not instead of, a valid message


def _pick(rng: np.random.Generator, options: tuple[Any, ...]) -> Any:
    return options[int(rng.integers(len(options)))]


def _edit(message: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    # msgspec keeps key order, so the edited message differs only where it was changed.
    doc = msgspec.json.decode(message)
    change(doc)
    return msgspec.json.encode(doc)


def _missing_field(message: bytes, rng: np.random.Generator) -> bytes:
    name = _pick(rng, tuple(f.name for f in FIELDS if f.required))
    return _edit(message, lambda doc: doc.pop(name))


# (field, how to retype its value): each a type the contract forbids for that field.
_RETYPINGS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("amount", lambda v: f"{v:.2f}"),
    ("is_fraud", lambda v: int(v)),
    ("schema_version", lambda v: str(v)),
    ("latitude", lambda v: str(v)),
    ("customer_id", lambda v: 42),
    ("event_time", lambda v: 1_700_000_000),
)


def _wrong_type(message: bytes, rng: np.random.Generator) -> bytes:
    name, retype = _pick(rng, _RETYPINGS)

    def change(doc: dict[str, Any]) -> None:
        doc[name] = retype(doc[name])

    return _edit(message, change)


_UNKNOWN_VALUES = (
    ("transaction_type", "chargeback"),
    ("payment_method", "cheque"),
    ("channel", "telephone"),
    ("device_type", "smartwatch"),
    ("mcc", "0000"),
    ("fraud_scenario", "phishing"),
)


def _set(pairs: tuple[tuple[str, Any], ...]) -> Corrupt:
    def corrupt(message: bytes, rng: np.random.Generator) -> bytes:
        name, value = _pick(rng, pairs)
        return _edit(message, lambda doc: doc.__setitem__(name, value))

    return corrupt


def _non_positive_amount(message: bytes, rng: np.random.Generator) -> bytes:
    return _edit(message, lambda doc: doc.__setitem__("amount", 0 if rng.random() < 0.5 else -doc["amount"]))


def _amount_over_limit(message: bytes, rng: np.random.Generator) -> bytes:
    over = float(max_amount()) + int(rng.integers(1, 1_000_000)) / 100
    return _edit(message, lambda doc: doc.__setitem__("amount", over))


def _unparseable_timestamp(message: bytes, rng: np.random.Generator) -> bytes:
    def change(doc: dict[str, Any]) -> None:
        value = doc["event_time"]
        doc["event_time"] = _pick(
            rng,
            (
                value.replace("T", " "),  # SQL style, no T
                value[:5] + "02-30" + value[10:],  # 30 February
                f"{value[8:10]}/{value[5:7]}/{value[:4]} {value[11:19]}",  # day/month/year
                "",
            ),
        )

    return _edit(message, change)


def _future_timestamp(message: bytes, rng: np.random.Generator) -> bytes:
    def change(doc: dict[str, Any]) -> None:
        moment = datetime.fromisoformat(doc["event_time"])
        year = min(moment.year + 100, 9999)
        try:
            moment = moment.replace(year=year)
        except ValueError:  # 29 February in a year that is not leap
            moment = moment.replace(year=year, day=28)
        doc["event_time"] = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    return _edit(message, change)


def _truncate(message: bytes, rng: np.random.Generator) -> bytes:
    # Cut at a character boundary: a cut inside a multi-byte character would be invalid UTF-8.
    cut = int(rng.integers(1, len(message) - 1))
    while cut > 1 and message[cut] & 0xC0 == 0x80:
        cut -= 1
    return message[:cut]


_BAD_UTF8 = (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82")  # stray, bad continuation, surrogate, cut


def _invalid_utf8(message: bytes, rng: np.random.Generator) -> bytes:
    anchor = _pick(rng, (b'"merchant_name":"', b'"city":"'))
    at = message.index(anchor) + len(anchor)
    return message[:at] + _pick(rng, _BAD_UTF8) + message[at:]


def _oversized(message: bytes, rng: np.random.Generator) -> bytes:
    padding = MAX_MESSAGE_BYTES - len(message) + int(rng.integers(1, 4096))
    return _edit(message, lambda doc: doc.__setitem__("merchant_name", doc["merchant_name"] + "x" * padding))


def _duplicate(message: bytes, rng: np.random.Generator) -> bytes:
    return message


_CLASSES = (
    DefectClass(Reason.MISSING_REQUIRED_FIELD.value, Reason.MISSING_REQUIRED_FIELD,
                "a required key is absent", _missing_field),
    DefectClass(Reason.WRONG_TYPE.value, Reason.WRONG_TYPE,
                "a value has a JSON type the field does not allow", _wrong_type),
    DefectClass(Reason.UNKNOWN_ENUM_VALUE.value, Reason.UNKNOWN_ENUM_VALUE,
                "a closed-set field holds a value outside its set", _set(_UNKNOWN_VALUES)),
    DefectClass(Reason.NON_POSITIVE_AMOUNT.value, Reason.NON_POSITIVE_AMOUNT,
                "amount is zero or negative", _non_positive_amount),
    DefectClass(Reason.AMOUNT_OVER_LIMIT.value, Reason.AMOUNT_OVER_LIMIT,
                "amount is above the configured maximum", _amount_over_limit),
    DefectClass(Reason.UNPARSEABLE_TIMESTAMP.value, Reason.UNPARSEABLE_TIMESTAMP,
                "event_time is not an RFC 3339 timestamp", _unparseable_timestamp),
    DefectClass(Reason.FUTURE_TIMESTAMP.value, Reason.FUTURE_TIMESTAMP,
                "event_time is 100 years after the transaction", _future_timestamp),
    DefectClass(Reason.BAD_CURRENCY_CODE.value, Reason.BAD_CURRENCY_CODE,
                "currency is not an ISO 4217 code", _set(tuple(
                    ("currency", code) for code in ("GGP", "NIS", "EURO", "usd", "XXX", "BTC", "RMB")))),
    DefectClass(Reason.BAD_COUNTRY_CODE.value, Reason.BAD_COUNTRY_CODE,
                "country or customer_country is not ISO 3166-1 alpha-2", _set(tuple(
                    (name, code) for name in ("country", "customer_country")
                    for code in ("UK", "XK", "EU", "USA", "fr", "ZZ")))),
    DefectClass(Reason.MALFORMED_JSON.value, Reason.MALFORMED_JSON,
                "the JSON text is truncated", _truncate),
    DefectClass(Reason.INVALID_UTF8.value, Reason.INVALID_UTF8,
                "a string holds bytes that are not UTF-8", _invalid_utf8),
    DefectClass(Reason.OVERSIZED_MESSAGE.value, Reason.OVERSIZED_MESSAGE,
                "the message is larger than MAX_MESSAGE_BYTES", _oversized),
    DefectClass(Reason.DUPLICATE_TRANSACTION_ID.value, Reason.DUPLICATE_TRANSACTION_ID,
                "an earlier valid message re-sent byte for byte (same transaction_id)", _duplicate,
                repeats_earlier=True),
)

DEFECT_CLASSES: Mapping[str, DefectClass] = MappingProxyType({c.name: c for c in _CLASSES})
