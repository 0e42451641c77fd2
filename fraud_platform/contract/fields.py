"""The transaction contract: one declarative list of fields and the rules that join them.

Everything else in this package (JSON Schema, msgspec record, Spark schema, DuckDB and
Snowflake DDL, Elasticsearch mapping, validator rules) is derived from FIELDS,
NULL_WHEN and LABELLED_BY, so adding or changing a field here changes every sink at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .enums import (
    CARD_PRESENT_CHANNELS,
    CHANNELS,
    DEVICE_TYPES,
    FRAUD_SCENARIOS,
    PAYMENT_METHODS,
    SUPPORTED_SCHEMA_VERSIONS,
    TRANSACTION_TYPES,
)
from .iso_codes import COUNTRY_CODES, CURRENCY_CODES
from .mcc import MCC_CODES
from .reasons import Reason


class Kind(StrEnum):
    """Logical type of a field; each derivation maps a kind to its sink's physical type."""

    UUID = "uuid"  # canonical 8-4-4-4-12 hex string
    STRING = "string"
    TIMESTAMP = "timestamp"  # UTC instant; RFC 3339 string ending in Z or +00:00 in JSON
    MONEY = "money"  # > 0, <= configured maximum, whole cents; DECIMAL(12,2) in sinks
    DOUBLE = "double"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    IP = "ip"  # IPv4 or IPv6 address, no zone index


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    description: str
    # required: the key must be present; nullable: its value may be null. Both are
    # explicit so "absent" and "null" never mean the same thing by accident.
    required: bool = True
    nullable: bool = False
    values: tuple[str | int, ...] | None = None  # closed set; None means open
    values_reason: Reason = Reason.UNKNOWN_ENUM_VALUE  # reason when outside `values`
    minimum: float | None = None  # inclusive bounds (DOUBLE)
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None  # ECMA-262 and Python `re` compatible, anchored

    @property
    def not_null(self) -> bool:
        """Whether every stored row has a value (NOT NULL in SQL, nullable=False in Spark)."""
        return self.required and not self.nullable


# RFC 3339 in the one shape the platform emits: upper-case T, seconds, at most
# microseconds (every sink stores microseconds) and a UTC offset. [0-9] not \d:
# Python's \d also matches non-ASCII digits.
UTC_TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|\+00:00)$"
)
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
UUID_LENGTH = 36  # also rules out the trailing newline Python's `$` would let through
IP_MAX_LENGTH = 45  # longest textual IPv6 (IPv4-mapped) address
ID_MAX_LENGTH = 64


def _id(name: str, description: str) -> Field:
    return Field(name, Kind.STRING, description, min_length=1, max_length=ID_MAX_LENGTH)


def _enum(
    name: str,
    values: tuple[str, ...] | frozenset[str],
    description: str,
    *,
    nullable: bool = False,
    reason: Reason = Reason.UNKNOWN_ENUM_VALUE,
) -> Field:
    ordered = tuple(sorted(values)) if isinstance(values, frozenset) else values
    return Field(
        name,
        Kind.STRING,
        description,
        nullable=nullable,
        values=ordered,
        values_reason=reason,
        max_length=max(map(len, ordered)),
    )


FIELDS: tuple[Field, ...] = (
    Field(
        "transaction_id",
        Kind.UUID,
        "Unique id of the transaction (UUID).",
        pattern=UUID_PATTERN,
        min_length=UUID_LENGTH,
        max_length=UUID_LENGTH,
    ),
    Field(
        "event_time",
        Kind.TIMESTAMP,
        "When the transaction happened, UTC, RFC 3339 (ISO-8601) ending in Z or +00:00.",
        pattern=UTC_TIMESTAMP_PATTERN,
    ),
    _id("customer_id", "Customer (account holder) id."),
    _id("card_id", "Card token; never a card number (PAN)."),
    _id("terminal_id", "Terminal that captured the transaction (virtual for e-commerce)."),
    _id("merchant_id", "Merchant id."),
    Field("merchant_name", Kind.STRING, "Merchant display name.", min_length=1, max_length=200),
    _enum("mcc", tuple(MCC_CODES), "Merchant category code (ISO 18245), 4 digits."),
    _enum("merchant_category", tuple(dict.fromkeys(MCC_CODES.values())), "Label of `mcc`."),
    Field("amount", Kind.MONEY, "Amount in `currency`: > 0, <= the configured maximum, whole cents."),
    _enum("currency", CURRENCY_CODES, "ISO 4217 currency code.", reason=Reason.BAD_CURRENCY_CODE),
    _enum("transaction_type", TRANSACTION_TYPES, "Kind of transaction."),
    _enum("payment_method", PAYMENT_METHODS, "How the card was presented."),
    _enum("channel", CHANNELS, "Where the transaction was initiated."),
    _enum("device_type", DEVICE_TYPES, "Kind of device that initiated the transaction."),
    _id("device_id", "Device id (phone, browser fingerprint, POS terminal or ATM)."),
    Field(
        "ip_address",
        Kind.IP,
        "Customer IP address (IPv4 or IPv6); null when the card is present (pos, atm).",
        nullable=True,
        max_length=IP_MAX_LENGTH,
    ),
    _enum(
        "country",
        COUNTRY_CODES,
        "Merchant country, ISO 3166-1 alpha-2.",
        reason=Reason.BAD_COUNTRY_CODE,
    ),
    _enum(
        "customer_country",
        COUNTRY_CODES,
        "Customer's home country, ISO 3166-1 alpha-2.",
        reason=Reason.BAD_COUNTRY_CODE,
    ),
    Field("city", Kind.STRING, "Merchant city.", min_length=1, max_length=100),
    Field("latitude", Kind.DOUBLE, "Merchant latitude, WGS 84 degrees.", minimum=-90.0, maximum=90.0),
    Field("longitude", Kind.DOUBLE, "Merchant longitude, WGS 84 degrees.", minimum=-180.0, maximum=180.0),
    Field("is_fraud", Kind.BOOLEAN, "Ground-truth label."),
    _enum(
        "fraud_scenario",
        FRAUD_SCENARIOS,
        "Fraud pattern that produced the transaction; null when legitimate.",
        nullable=True,
    ),
    Field(
        "schema_version",
        Kind.INTEGER,
        "Version of this contract the producer wrote.",
        values=SUPPORTED_SCHEMA_VERSIONS,
    ),
)

FIELDS_BY_NAME: Mapping[str, Field] = {f.name: f for f in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(FIELDS_BY_NAME)


@dataclass(frozen=True, slots=True)
class NullWhen:
    """`field` must be null whenever `when` has one of `values`."""

    field: str
    when: str
    values: tuple[str | bool, ...]
    why: str


@dataclass(frozen=True, slots=True)
class LabelledBy:
    """`field` must be the label that `labels` gives for the value of `code`."""

    field: str
    code: str
    labels: Mapping[str, str]


NULL_WHEN: tuple[NullWhen, ...] = (
    NullWhen("ip_address", "channel", CARD_PRESENT_CHANNELS, "a card-present transaction has no customer IP"),
    NullWhen("fraud_scenario", "is_fraud", (False,), "a legitimate transaction has no fraud scenario"),
)
LABELLED_BY: tuple[LabelledBy, ...] = (LabelledBy("merchant_category", "mcc", MCC_CODES),)
