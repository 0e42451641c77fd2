"""The named taxonomy of reasons a message breaks the contract, and one reported failure.

Reason codes are stable strings: they are stored with every invalid record in
Elasticsearch and counted on dashboards, so renaming one is a breaking change.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec


class Reason(StrEnum):
    # Whole-message failures: nothing else can be checked after these.
    OVERSIZED_MESSAGE = "oversized_message"
    INVALID_UTF8 = "invalid_utf8"
    MALFORMED_JSON = "malformed_json"
    # Field failures.
    MISSING_REQUIRED_FIELD = "missing_required_field"
    UNKNOWN_FIELD = "unknown_field"
    WRONG_TYPE = "wrong_type"
    UNKNOWN_ENUM_VALUE = "unknown_enum_value"
    INVALID_FORMAT = "invalid_format"
    OUT_OF_RANGE = "out_of_range"
    NON_POSITIVE_AMOUNT = "non_positive_amount"
    AMOUNT_OVER_LIMIT = "amount_over_limit"
    UNPARSEABLE_TIMESTAMP = "unparseable_timestamp"
    NON_UTC_TIMESTAMP = "non_utc_timestamp"
    FUTURE_TIMESTAMP = "future_timestamp"
    BAD_CURRENCY_CODE = "bad_currency_code"
    BAD_COUNTRY_CODE = "bad_country_code"
    # Fields that are each valid but contradict one another.
    INCONSISTENT_FIELDS = "inconsistent_fields"
    # Needs state across messages, so it is detected downstream, never by validate().
    DUPLICATE_TRANSACTION_ID = "duplicate_transaction_id"


# Path of a failure that concerns the whole message rather than one field.
DOCUMENT = "$"


class Violation(msgspec.Struct, frozen=True):
    """One broken rule: a reason code, the field it concerns (or "$") and a human message."""

    reason: Reason
    field: str
    message: str
