"""The fraud model's lifecycle as plain Python (no Dagster): the time-based protocol, metrics,
training, explanations and MLflow registry helpers. The Dagster assets in defs/ml call these."""
