"""The validator: raw-transactions → validated-transactions (valid) | Elasticsearch (invalid + reasons)."""

from fraud_platform.contract import SCHEMA_VERSION

# Stored with every invalid document, so a reader can tell which rules judged it.
VALIDATOR_VERSION = f"fraud-validator/1 contract/{SCHEMA_VERSION}"
