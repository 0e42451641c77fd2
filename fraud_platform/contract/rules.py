"""Every contract rule as a check on decoded JSON values, reporting reason-coded violations.

record.validate() uses it three ways: on its slow path over a generic decoded document, to
report every failed rule; after msgspec has already enforced presence, types, enums, lengths,
patterns and static bounds, `passes_semantics` answers yes/no on the typed record for what
msgspec cannot express (timestamp meaning, the configured amount limit, whole cents, IP
syntax, the cross-field rules) without building a dict; and when it says no,
`check_document(..., shape_checked=True)` names the failures.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field as dataclass_field
from datetime import datetime
from decimal import Decimal

from .fields import FIELDS, FIELDS_BY_NAME, LABELLED_BY, NULL_WHEN, Field, Kind
from .limits import AMOUNT_STEP, FUTURE_TOLERANCE
from .reasons import DOCUMENT, Reason, Violation


@dataclass(frozen=True, slots=True)
class Context:
    """What a check needs besides the record: the configured limit and the current time."""

    max_amount: Decimal
    now: datetime  # timezone-aware
    latest: datetime = dataclass_field(init=False)  # the latest event time accepted: now + FUTURE_TOLERANCE

    def __post_init__(self) -> None:
        object.__setattr__(self, "latest", self.now + FUTURE_TOLERANCE)  # once, not per message


# Kinds whose rules go beyond what msgspec's type system checks.
SEMANTIC_KINDS = frozenset({Kind.TIMESTAMP, Kind.MONEY, Kind.IP})

_PYTHON_TYPES: dict[Kind, tuple[type, ...]] = {
    Kind.UUID: (str,),
    Kind.STRING: (str,),
    Kind.TIMESTAMP: (str,),
    Kind.IP: (str,),
    Kind.MONEY: (int, float),
    Kind.DOUBLE: (int, float),
    Kind.INTEGER: (int,),
    Kind.BOOLEAN: (bool,),
}
_JSON_TYPE_NAMES = {
    Kind.MONEY: "number",
    Kind.DOUBLE: "number",
    Kind.INTEGER: "integer",
    Kind.BOOLEAN: "boolean",
}
_VALUE_SETS = {f.name: frozenset(f.values) for f in FIELDS if f.values is not None}
_PATTERNS = {f.name: re.compile(f.pattern) for f in FIELDS if f.pattern is not None}
# Same shape as the UTC pattern but with any offset, to tell "not UTC" from "not a timestamp".
_ANY_OFFSET = re.compile(
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(?P<offset>Z|[+-][0-9]{2}:[0-9]{2})$"
)
_UTC_OFFSETS = ("Z", "+00:00")


_SEMANTIC_FIELDS = tuple((f.name, f.kind) for f in FIELDS if f.kind in SEMANTIC_KINDS)


def passes_semantics(record: object, ctx: Context) -> bool:
    """Whether a record msgspec has shape-checked also passes every other rule.

    The validator's hot path: attribute access, no dict, no Violation objects. It must agree
    exactly with `not check_document(asdict(record), ctx, shape_checked=True)`; a property
    test holds the two together. False only means "look closer": the caller runs
    check_document for the reasons.
    """
    for name, kind in _SEMANTIC_FIELDS:
        value = getattr(record, name)
        if value is None:
            continue
        if kind is Kind.TIMESTAMP:
            # msgspec's pattern already pinned the shape and the UTC offset; the calendar
            # (30 February) and the clock are left.
            try:
                if datetime.fromisoformat(value) > ctx.latest:
                    return False
            except ValueError:
                return False
        elif kind is Kind.MONEY:
            if not 0 < value <= ctx.max_amount:
                return False
            text = repr(value)  # shortest round-tripping decimal: what the producer wrote
            dot = text.find(".")
            if "e" in text or (dot >= 0 and len(text) - dot - 1 > 2):
                return False
        elif not _is_plain_ip(value):
            return False
    for rule in NULL_WHEN:
        if getattr(record, rule.field) is not None and getattr(record, rule.when) in rule.values:
            return False
    for rule in LABELLED_BY:
        if getattr(record, rule.field) != rule.labels[getattr(record, rule.code)]:
            return False
    return True


def check_document(doc: object, ctx: Context, *, shape_checked: bool = False,
                   suspects: Collection[str] | None = None) -> list[Violation]:
    """All violations of one decoded message, in field order, then cross-field ones.

    `suspects`, when given, are the only present fields that may break a rule of their own: the
    validator's native screen vouches for the others (record.name_violations)."""
    if not isinstance(doc, dict):
        return [Violation(Reason.WRONG_TYPE, DOCUMENT, f"must be a JSON object, got {_json_type(doc)}")]
    violations: list[Violation] = []
    valid: dict[str, object] = {}
    for field in FIELDS:
        if field.name not in doc:
            if field.required:
                violations.append(Violation(Reason.MISSING_REQUIRED_FIELD, field.name, "is missing"))
            else:
                valid[field.name] = None
            continue
        value = doc[field.name]
        if suspects is not None and field.name not in suspects:
            valid[field.name] = value
            continue
        if shape_checked:
            failure = _check_semantics(field, value, ctx) if field.kind in SEMANTIC_KINDS else None
        else:
            failure = check_field(field, value, ctx)
        if failure is None:
            valid[field.name] = value
        else:
            violations.append(failure)
    if not shape_checked:
        for key in doc.keys() - FIELDS_BY_NAME.keys():
            violations.append(Violation(Reason.UNKNOWN_FIELD, key[:100], "is not a contract field"))
    violations.extend(check_cross_fields(valid))
    return violations


def check_field(field: Field, value: object, ctx: Context) -> Violation | None:
    """The first rule `value` breaks as the value of `field`, or None."""
    name = field.name
    if value is None:
        if field.nullable:
            return None
        return Violation(Reason.MISSING_REQUIRED_FIELD, name, "must not be null")
    if not isinstance(value, _PYTHON_TYPES[field.kind]) or (
        isinstance(value, bool) and field.kind is not Kind.BOOLEAN
    ):
        expected = _JSON_TYPE_NAMES.get(field.kind, "string")
        return Violation(Reason.WRONG_TYPE, name, f"must be a {expected}, got {_json_type(value)}")
    if name in _VALUE_SETS and value not in _VALUE_SETS[name]:
        return Violation(field.values_reason, name, f"{_show(value)} is not an allowed value")
    if isinstance(value, str):
        if field.min_length is not None and len(value) < field.min_length:
            return Violation(Reason.INVALID_FORMAT, name, f"must be at least {field.min_length} characters")
        if field.max_length is not None and len(value) > field.max_length:
            return Violation(Reason.INVALID_FORMAT, name, f"must be at most {field.max_length} characters")
        # Timestamps classify their own pattern failures (unparseable vs non-UTC).
        if name in _PATTERNS and field.kind is not Kind.TIMESTAMP and not _PATTERNS[name].search(value):
            return Violation(Reason.INVALID_FORMAT, name, f"{_show(value)} does not match {field.pattern}")
    if field.kind is Kind.DOUBLE and not (
        (field.minimum is None or value >= field.minimum) and (field.maximum is None or value <= field.maximum)
    ):
        return Violation(Reason.OUT_OF_RANGE, name, f"{value} is outside [{field.minimum}, {field.maximum}]")
    if field.kind in SEMANTIC_KINDS:
        return _check_semantics(field, value, ctx)
    return None


def check_cross_fields(valid: Mapping[str, object]) -> list[Violation]:
    """Rules joining fields; only fields that passed their own checks take part."""
    violations = []
    for rule in NULL_WHEN:
        if rule.field in valid and rule.when in valid and valid[rule.field] is not None:
            trigger = valid[rule.when]
            if trigger in rule.values:
                violations.append(
                    Violation(
                        Reason.INCONSISTENT_FIELDS,
                        rule.field,
                        f"must be null when {rule.when} is {_show(trigger)}: {rule.why}",
                    )
                )
    for rule in LABELLED_BY:
        if rule.field in valid and rule.code in valid:
            expected = rule.labels[valid[rule.code]]
            if valid[rule.field] != expected:
                violations.append(
                    Violation(
                        Reason.INCONSISTENT_FIELDS,
                        rule.field,
                        f"must be {expected!r}, the label of {rule.code} {_show(valid[rule.code])}",
                    )
                )
    return violations


def _check_semantics(field: Field, value: object, ctx: Context) -> Violation | None:
    if value is None:
        return None
    if field.kind is Kind.TIMESTAMP:
        return _check_timestamp(field.name, value, ctx)
    if field.kind is Kind.MONEY:
        return _check_amount(field.name, value, ctx)
    if field.kind is Kind.IP:
        return _check_ip(field.name, value)
    return None


def _check_timestamp(name: str, value: str, ctx: Context) -> Violation | None:
    match = _ANY_OFFSET.search(value)
    try:
        # fromisoformat also catches what the pattern cannot: 30 February, a trailing newline.
        moment = datetime.fromisoformat(value) if match else None
    except ValueError:
        moment = None
    if moment is None:
        return Violation(Reason.UNPARSEABLE_TIMESTAMP, name, f"{_show(value)} is not an RFC 3339 timestamp")
    if match["offset"] not in _UTC_OFFSETS:
        return Violation(Reason.NON_UTC_TIMESTAMP, name, f"{_show(value)} must end in Z or +00:00")
    if moment > ctx.latest:
        return Violation(Reason.FUTURE_TIMESTAMP, name, f"{value} is after {ctx.now.isoformat()}")
    return None


def _check_amount(name: str, value: float, ctx: Context) -> Violation | None:
    if not value > 0:
        return Violation(Reason.NON_POSITIVE_AMOUNT, name, f"{_number(value)} must be greater than 0")
    if value > ctx.max_amount:
        return Violation(Reason.AMOUNT_OVER_LIMIT, name, f"{_number(value)} is over the limit {ctx.max_amount}")
    # repr is the shortest decimal that round-trips, i.e. the number the producer wrote.
    if Decimal(repr(value)) % AMOUNT_STEP != 0:
        return Violation(Reason.INVALID_FORMAT, name, f"{_number(value)} has more than 2 decimal places")
    return None


def _number(value: float) -> str:
    """A JSON number as the typed decoder sees it (a float), so both paths word it alike: 50001
    and 50001.0 both read 50001.0; an integer too large for a float keeps its digits."""
    if isinstance(value, int):
        try:
            return repr(float(value))
        except OverflowError:
            return str(value)
    return repr(value)


def _is_plain_ip(value: str) -> bool:
    """_check_ip's yes/no, ten times faster: the C parser accepts exactly what ipaddress does,
    and rejects zone indexes (fraud_platform_tests/unit/test_contract_validate.py compares them)."""
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in value else socket.AF_INET, value)
    except (OSError, ValueError, UnicodeError):
        return False
    return True


def _check_ip(name: str, value: str) -> Violation | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return Violation(Reason.INVALID_FORMAT, name, f"{_show(value)} is not an IPv4 or IPv6 address")
    if getattr(address, "scope_id", None):
        return Violation(Reason.INVALID_FORMAT, name, f"{_show(value)} has a zone index")
    return None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _show(value: object) -> str:
    # Messages end up in Elasticsearch: never copy an attacker-sized value into them.
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
