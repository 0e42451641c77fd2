"""Spark StructType derived from the contract, for reading landed JSON and writing Parquet.

pyspark is imported inside the function so the contract stays importable without Spark.
TimestampType is an instant (rendered in spark.sql.session.timeZone; keep that UTC).
"""

from __future__ import annotations

from typing import Any

from .fields import FIELDS, Kind
from .limits import AMOUNT_PRECISION, AMOUNT_SCALE


def spark_schema() -> Any:
    """The contract as a pyspark.sql.types.StructType, fields in contract order."""
    from pyspark.sql import types as T

    types = {
        Kind.UUID: T.StringType(),
        Kind.STRING: T.StringType(),
        Kind.IP: T.StringType(),
        Kind.TIMESTAMP: T.TimestampType(),
        Kind.MONEY: T.DecimalType(AMOUNT_PRECISION, AMOUNT_SCALE),
        Kind.DOUBLE: T.DoubleType(),
        Kind.BOOLEAN: T.BooleanType(),
        Kind.INTEGER: T.IntegerType(),
    }
    return T.StructType(
        [
            # "comment" metadata becomes the column comment in catalogs and DESCRIBE.
            T.StructField(f.name, types[f.kind], nullable=not f.not_null, metadata={"comment": f.description})
            for f in FIELDS
        ]
    )
