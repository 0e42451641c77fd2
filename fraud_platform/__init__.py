"""Fraud detection and analytics platform: the Dagster code location and its shared library."""
