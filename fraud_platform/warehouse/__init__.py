"""Warehouse helpers without Dagster: table DDL, sessions over DuckDB or Snowflake connections,
partition replacement, lake reads for loading and reconciliation, and the data-quality suites."""
