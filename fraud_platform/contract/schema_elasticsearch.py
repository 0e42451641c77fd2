"""Elasticsearch mapping of the contract fields, for the invalid-transactions index.

Invalid documents carry raw, possibly wrong values, so every typed field sets
ignore_malformed (a bad value is left unindexed instead of rejecting the document) and
keywords set ignore_above. The validator keeps the raw payload separately and must put
only scalars here: no ES option accepts an object where a keyword is mapped.
`dynamic: false` keeps unknown keys in _source without growing the mapping.
"""

from __future__ import annotations

from typing import Any

from .fields import FIELDS, Field, Kind

KEYWORD_IGNORE_ABOVE = 256


def _property(field: Field) -> dict[str, Any]:
    if field.kind in (Kind.UUID, Kind.STRING):
        return {"type": "keyword", "ignore_above": KEYWORD_IGNORE_ABOVE}
    typed: dict[Kind, dict[str, Any]] = {
        Kind.TIMESTAMP: {"type": "date", "format": "strict_date_optional_time"},
        # Not scaled_float: its mapper-extras module is absent from the integ-test distribution
        # the local stack runs; exact amounts stay in the raw payload.
        Kind.MONEY: {"type": "double"},
        Kind.DOUBLE: {"type": "double"},
        Kind.BOOLEAN: {"type": "boolean"},
        Kind.INTEGER: {"type": "integer"},
        Kind.IP: {"type": "ip"},
    }
    return {**typed[field.kind], "ignore_malformed": True}


def elasticsearch_mapping() -> dict[str, Any]:
    """{"dynamic": False, "properties": {...}}: usable as an index mapping or an object field."""
    return {"dynamic": False, "properties": {f.name: _property(f) for f in FIELDS}}
