"""The transaction contract: defined once in `fields`, everything else derived from it.

Pure Python, no Dagster: the streaming processes, Spark jobs and warehouse loaders all
import it. pyspark is only imported by spark_schema() when called.
"""

from .enums import (
    CARD_PRESENT_CHANNELS,
    CHANNELS,
    DEVICE_TYPES,
    FRAUD_SCENARIOS,
    PAYMENT_METHODS,
    SCHEMA_VERSION,
    SUPPORTED_SCHEMA_VERSIONS,
    TRANSACTION_TYPES,
)
from .example import example_transaction
from .fields import FIELD_NAMES, FIELDS, FIELDS_BY_NAME, LABELLED_BY, NULL_WHEN, Field, Kind
from .iso_codes import COUNTRY_CODES, CURRENCY_CODES
from .limits import DEFAULT_MAX_AMOUNT, MAX_AMOUNT_ENV, MAX_MESSAGE_BYTES, max_amount
from .mcc import MCC_CODES
from .reasons import Reason, Violation
from .record import Transaction, validate
from .schema_duckdb import duckdb_ddl
from .schema_elasticsearch import elasticsearch_mapping
from .schema_json import json_schema, json_schema_validator
from .schema_snowflake import snowflake_ddl
from .schema_spark import spark_schema

__all__ = [
    "CARD_PRESENT_CHANNELS",
    "CHANNELS",
    "COUNTRY_CODES",
    "CURRENCY_CODES",
    "DEFAULT_MAX_AMOUNT",
    "DEVICE_TYPES",
    "FIELDS",
    "FIELDS_BY_NAME",
    "FIELD_NAMES",
    "FRAUD_SCENARIOS",
    "LABELLED_BY",
    "MAX_AMOUNT_ENV",
    "MAX_MESSAGE_BYTES",
    "MCC_CODES",
    "NULL_WHEN",
    "PAYMENT_METHODS",
    "SCHEMA_VERSION",
    "SUPPORTED_SCHEMA_VERSIONS",
    "TRANSACTION_TYPES",
    "Field",
    "Kind",
    "Reason",
    "Transaction",
    "Violation",
    "duckdb_ddl",
    "elasticsearch_mapping",
    "example_transaction",
    "json_schema",
    "json_schema_validator",
    "max_amount",
    "snowflake_ddl",
    "spark_schema",
    "validate",
]
