"""The contract as a msgspec Struct, and validate(): every reason a message is invalid.

Transaction is derived from FIELDS, so `msgspec.json.decode(data, type=Transaction)` is
the fast, allocation-light check of presence, types, enums, lengths, patterns and static
bounds. validate() tries that first; only a message that fails it pays for the slow path,
which decodes generically and runs every rule so the report lists all failures.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from .fields import FIELDS, Field, Kind
from .limits import MAX_MESSAGE_BYTES, max_amount as configured_max_amount
from .reasons import DOCUMENT, Reason, Violation
from .rules import Context, check_document, passes_semantics


def _annotation(field: Field) -> Any:
    if field.values is not None:
        base: Any = Literal[field.values]  # msgspec checks membership with a hash lookup
    elif field.kind in (Kind.MONEY, Kind.DOUBLE):
        # float, not Decimal: msgspec bounds only apply to int/float, and the whole-cents
        # rule is checked afterwards on the shortest repr of the float.
        bounds = {"gt": 0} if field.kind is Kind.MONEY else {"ge": field.minimum, "le": field.maximum}
        base = Annotated[float, msgspec.Meta(**bounds)]
    elif field.kind is Kind.BOOLEAN:
        base = bool
    elif field.kind is Kind.INTEGER:
        base = int
    else:
        constraints = {
            key: value
            for key, value in (
                ("min_length", field.min_length),
                ("max_length", field.max_length),
                ("pattern", field.pattern),
            )
            if value is not None
        }
        base = Annotated[str, msgspec.Meta(**constraints)] if constraints else str
    return base | None if field.nullable else base


Transaction = msgspec.defstruct(
    "Transaction",
    [(f.name, _annotation(f)) if f.required else (f.name, _annotation(f), None) for f in FIELDS],
    kw_only=True,
    forbid_unknown_fields=True,
    frozen=True,
    # Only str, float, bool and None inside: a record can never be part of a reference cycle, so
    # the garbage collector need not track the validator's thousands of records per second.
    gc=False,
    module=__name__,
)
Transaction.__doc__ = "One transaction as the contract defines it (fields: fraud_platform.contract.FIELDS)."

_TYPED = msgspec.json.Decoder(Transaction)
# float_hook=float: 1e400 becomes inf (reported as over the limit) instead of a decode error.
_GENERIC = msgspec.json.Decoder(float_hook=float)


def validate(
    payload: bytes | bytearray | memoryview,
    *,
    max_amount: Decimal | None = None,
    now: datetime | None = None,
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> list[Violation]:
    """Every contract rule `payload` breaks (empty when valid). Never raises on bad input.

    `max_amount` defaults to FRAUD_CONTRACT_MAX_AMOUNT, `now` to the current UTC time.
    Oversized, non-UTF-8 and malformed messages get a single violation: nothing else can
    be checked. duplicate_transaction_id needs state and is detected downstream.
    """
    if too_big := oversized(payload, max_bytes):
        return too_big
    ctx = Context(
        max_amount=configured_max_amount() if max_amount is None else max_amount,
        now=datetime.now(UTC) if now is None else now,
    )
    return decide(payload, ctx)[1]


def oversized(payload: bytes | bytearray | memoryview, max_bytes: int = MAX_MESSAGE_BYTES) -> list[Violation]:
    """The violation of a payload over `max_bytes` (checked before anything parses it), or []."""
    if len(payload) > max_bytes:
        return [Violation(Reason.OVERSIZED_MESSAGE, DOCUMENT, f"{len(payload)} bytes is over {max_bytes}")]
    return []


def decide(payload: bytes | bytearray | memoryview, ctx: Context) -> tuple[Transaction | None, list[Violation]]:
    """(record, []) for a valid payload, (None, violations) otherwise, for a payload already
    within the size limit. The validator's entry point: it builds `ctx` once per batch."""
    try:
        record = _TYPED.decode(payload)
    except msgspec.DecodeError as error:  # includes msgspec.ValidationError
        return None, _slow_path(payload, ctx, error)
    if passes_semantics(record, ctx):
        return record, []
    # check_document is the reference; should the quick answer ever disagree, it decides.
    violations = check_document(msgspec.structs.asdict(record), ctx, shape_checked=True)
    return (None if violations else record), violations


def name_violations(payload: bytes | bytearray | memoryview, ctx: Context, suspects: Collection[str]
                    ) -> list[Violation]:
    """decide()'s violations of a payload that is a flat JSON object of distinct contract fields,
    given the only fields that may break a rule of their own (the validator's native screen
    vouches for the rest, so they are not checked again). [] means none was found: decide() must
    then judge it, as only decide() can say a message is valid."""
    try:
        doc = _GENERIC.decode(payload)
    except (msgspec.DecodeError, RecursionError):
        return []
    return check_document(doc, ctx, suspects=suspects) if isinstance(doc, dict) else []


def _slow_path(payload: bytes | bytearray | memoryview, ctx: Context, error: Exception) -> list[Violation]:
    try:
        str(payload, "utf-8")
    except UnicodeDecodeError as bad:
        return [Violation(Reason.INVALID_UTF8, DOCUMENT, f"invalid UTF-8 at byte {bad.start}")]
    try:
        doc = _GENERIC.decode(payload)
    except msgspec.DecodeError as bad:
        return [Violation(Reason.MALFORMED_JSON, DOCUMENT, str(bad))]
    except RecursionError:
        return [Violation(Reason.MALFORMED_JSON, DOCUMENT, "nested too deeply")]
    violations = check_document(doc, ctx)
    if not violations:
        # The typed decoder and the rules disagree: a rule is missing from rules.py. Never
        # let such a message through; a unit test asserts this line is unreachable.
        violations = [Violation(Reason.WRONG_TYPE, DOCUMENT, f"rejected by the typed decoder: {error}")]
    return violations
