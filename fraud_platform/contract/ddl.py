"""CREATE TABLE rendering shared by the warehouse dialects; each dialect supplies its types."""

from __future__ import annotations

import re
from collections.abc import Callable

from .fields import FIELDS, Field

# [database.][schema.]table, unquoted: the name is interpolated into SQL, so nothing else.
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}")


def create_table(table: str, column_type: Callable[[Field], str]) -> str:
    if not _TABLE_NAME.fullmatch(table):
        raise ValueError(f"{table!r} is not a plain [database.][schema.]table name")
    columns = ",\n".join(
        f"    {f.name} {column_type(f)}{' NOT NULL' if f.not_null else ''}" for f in FIELDS
    )
    return f"CREATE TABLE IF NOT EXISTS {table} (\n{columns}\n)"
