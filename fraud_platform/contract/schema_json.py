"""JSON Schema (Draft 2020-12) derived from the contract, and a validator that checks it fully.

The schema states everything a stateless JSON Schema can: types, required keys, no extra
keys, enums, lengths, patterns, bounds, whole cents and the cross-field rules (as if/then).
Beyond it, validate() also rejects timestamps in the future (depends on the clock), and
is stricter on one point of the JSON data model: the schema must accept 1.0 where it asks
for the integer 1 (schema_version), validate() does not.

Two stock behaviours of Python's jsonschema would make the schema look weaker than it is:
"format" only annotates unless a format checker is given (and date-time needs an optional
package), and multipleOf on floats is inexact (19.99 / 0.01 is not a whole number in
binary). json_schema_validator() fixes both; other implementations should use decimal
arithmetic for multipleOf and enable format assertion.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from .enums import SCHEMA_VERSION
from .example import example_transaction
from .fields import FIELDS, LABELLED_BY, NULL_WHEN, Field, Kind
from .limits import AMOUNT_STEP, max_amount as configured_max_amount

_TYPES = {
    Kind.UUID: "string",
    Kind.STRING: "string",
    Kind.TIMESTAMP: "string",
    Kind.IP: "string",
    Kind.MONEY: "number",
    Kind.DOUBLE: "number",
    Kind.BOOLEAN: "boolean",
    Kind.INTEGER: "integer",
}


def json_schema(max_amount: Decimal | None = None) -> dict[str, Any]:
    """The contract as a JSON Schema document; `max_amount` defaults to the configured one."""
    limit = configured_max_amount() if max_amount is None else max_amount
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:fraud-platform:contract:transaction:v{SCHEMA_VERSION}",
        "title": "Transaction",
        "description": "One card transaction as produced to Kafka raw-transactions.",
        "type": "object",
        "properties": {f.name: _property(f, limit) for f in FIELDS},
        "required": [f.name for f in FIELDS if f.required],
        "additionalProperties": False,
        "allOf": [*_null_when_rules(), *_label_rules()],
        "examples": [example_transaction()],
    }


def _property(field: Field, limit: Decimal) -> dict[str, Any]:
    json_type = _TYPES[field.kind]
    prop: dict[str, Any] = {
        "description": field.description,
        "type": [json_type, "null"] if field.nullable else json_type,
    }
    if field.values is not None:
        prop["enum"] = [*field.values, None] if field.nullable else list(field.values)
    if field.values is None and field.min_length is not None:
        prop["minLength"] = field.min_length
    if field.values is None and field.max_length is not None:
        prop["maxLength"] = field.max_length
    if field.pattern is not None:
        prop["pattern"] = field.pattern
    if field.minimum is not None:
        prop["minimum"] = field.minimum
    if field.maximum is not None:
        prop["maximum"] = field.maximum
    if field.kind is Kind.UUID:
        prop["format"] = "uuid"
    elif field.kind is Kind.TIMESTAMP:
        prop["format"] = "date-time"
    elif field.kind is Kind.IP:
        prop["anyOf"] = [{"format": "ipv4"}, {"format": "ipv6"}]
    elif field.kind is Kind.MONEY:
        prop.update(exclusiveMinimum=0, maximum=float(limit), multipleOf=float(AMOUNT_STEP))
    return prop


def _null_when_rules() -> list[dict[str, Any]]:
    return [
        {
            "if": {"properties": {rule.when: {"enum": list(rule.values)}}, "required": [rule.when]},
            "then": {"properties": {rule.field: {"type": "null"}}},
            "description": f"{rule.field} is null when {rule.when} is one of {list(rule.values)}: {rule.why}.",
        }
        for rule in NULL_WHEN
    ]


def _label_rules() -> list[dict[str, Any]]:
    return [
        {
            "if": {"properties": {rule.code: {"const": code}}, "required": [rule.code]},
            "then": {"properties": {rule.field: {"const": label}}},
        }
        for rule in LABELLED_BY
        for code, label in rule.labels.items()
    ]


_RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


def _is_rfc3339(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if not _RFC3339.search(instance):
        return False
    try:
        datetime.fromisoformat(instance.upper())
    except ValueError:
        return False
    return True


@cache
def _validator_class() -> Any:
    # jsonschema is imported here, not at module level: it is a test/tooling dependency,
    # and the streaming validator imports this package without it.
    from jsonschema import Draft202012Validator, ValidationError, validators

    def exact_multiple_of(validator: Any, divisor: Any, instance: Any, schema: Any) -> Any:
        # Fractions of the shortest reprs: exact for the decimals the producer wrote.
        if not validator.is_type(instance, "number"):
            return
        if not (math.isfinite(instance) and Fraction(repr(instance)) % Fraction(repr(divisor)) == 0):
            yield ValidationError(f"{instance!r} is not a multiple of {divisor!r}")

    return validators.extend(Draft202012Validator, {"multipleOf": exact_multiple_of})


def json_schema_validator(schema: dict[str, Any] | None = None) -> Any:
    """A jsonschema Draft 2020-12 validator for `schema` (default: json_schema()) that
    asserts formats (uuid, date-time, ipv4, ipv6) and computes multipleOf exactly."""
    from jsonschema import FormatChecker

    checker = FormatChecker()
    checker.checks("date-time")(_is_rfc3339)
    return _validator_class()(json_schema() if schema is None else schema, format_checker=checker)
