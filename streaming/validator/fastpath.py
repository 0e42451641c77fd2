"""The native fast path (native/fraud_fastpath, Rust), when it is installed.

Validating in Python costs about twice what consuming and producing a message costs; the
extension moves the per-message work of a valid message (decode, every rule, the dedup window)
out of the interpreter. Its screen only ever *accepts*: for anything it is not certain about it
answers None and the Python reference (fraud_platform.contract) decides and names the failed
rules, so the reference alone defines what is valid. For a message it does not accept,
`Screen.examine` also lists the fields it cannot vouch for, and the reference checks only those
(record.name_violations). Differential property tests
(fraud_platform_tests/unit/test_validator_fastpath.py) hold the two together: what the screen
accepts or vouches for, the reference passes too.

Without the extension (no Rust toolchain at install time) the validator runs the reference on
every message: the same answers, slower. FRAUD_VALIDATOR_NATIVE=false forces that path.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fraud_platform.contract import FIELDS, LABELLED_BY, NULL_WHEN, Kind
from fraud_platform.contract.fields import UTC_TIMESTAMP_PATTERN, UUID_PATTERN

from .dedup import DedupWindow

from streaming.common.native_build import fraud_fastpath, unusable_reason

log = logging.getLogger("fraud-validator")

ID_FIELD = "transaction_id"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The only patterns the native screen knows, by the kind that carries them.
_NATIVE_PATTERNS = {Kind.UUID: UUID_PATTERN, Kind.TIMESTAMP: UTC_TIMESTAMP_PATTERN}


class UnsupportedContract(ValueError):
    """The contract has a rule the native screen cannot judge; the reference then judges all."""


def contract_screen(max_amount: Decimal):
    """A native Screen for the contract, or None (not installed, or the contract has a rule it does
    not know: then every message takes the reference path)."""
    if (reason := unusable_reason(fraud_fastpath)) is not None:
        log.warning("native fast path %s: validating in Python", reason)
        return None
    try:
        return fraud_fastpath.Screen(*screen_arguments(max_amount))
    except UnsupportedContract as error:
        log.warning("native screen off, every message takes the Python path: %s", error)
        return None


def screen_arguments(max_amount: Decimal) -> tuple:
    """FIELDS, NULL_WHEN and LABELLED_BY as the native Screen takes them (pure; unit-tested)."""
    fields = []
    for f in FIELDS:
        if f.pattern != _NATIVE_PATTERNS.get(f.kind):
            raise UnsupportedContract(f"{f.name}: pattern {f.pattern!r} on a {f.kind} field")
        str_values = int_values = None
        if f.values is not None:
            wanted = int if f.kind is Kind.INTEGER else str
            if f.kind in (Kind.MONEY, Kind.DOUBLE, Kind.BOOLEAN) or not f.values or not all(
                    type(v) is wanted for v in f.values):
                raise UnsupportedContract(f"{f.name}: values {f.values!r} on a {f.kind} field")
            str_values, int_values = (None, list(f.values)) if wanted is int else (list(f.values), None)
        fields.append((f.name, f.kind.value, f.required, f.nullable, str_values, int_values, f.min_length,
                       f.max_length, f.minimum, f.maximum))
    null_when = [(rule.field, rule.when, list(rule.values)) for rule in NULL_WHEN]
    labelled_by = [(rule.field, rule.code, dict(rule.labels)) for rule in LABELLED_BY]
    cents = max_amount * 100
    if cents != cents.to_integral_value():
        raise UnsupportedContract(f"maximum amount {max_amount} is not whole cents")
    return fields, null_when, labelled_by, ID_FIELD, int(cents)


def micros(moment: datetime) -> int:
    """Microseconds since the epoch of a timezone-aware datetime, exactly."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def new_dedup_window(span: int, native: bool = True):
    """The native window when installed and wanted (no Python object per remembered id), else dedup.py's."""
    usable = native and unusable_reason(fraud_fastpath) is None
    return fraud_fastpath.DedupWindow(span) if usable else DedupWindow(span)
