"""Synthetic card transactions for the fraud platform: contract-valid, labelled with the
contract's fraud scenarios, with a configurable share of malformed messages named by the
validator's reason codes (DEFECT_CLASSES). CLI: `fraud-generator` (see README.md).

Entity pools are built once with Faker (pools.py); transactions are simulated a day at a
time in NumPy (simulator.py) and serialised by fragments (encoding.py).
"""

from .config import DefectConfig, FraudConfig, GeneratorConfig
from .defect_classes import DEFECT_CLASSES, DefectClass
from .presets import PRESETS, default_config, handbook_config
from .run import backfill, live
from .sinks import JsonLinesSink, KafkaSink, MemorySink
from .summary import Summary

__all__ = [
    "DEFECT_CLASSES",
    "PRESETS",
    "DefectClass",
    "DefectConfig",
    "FraudConfig",
    "GeneratorConfig",
    "JsonLinesSink",
    "KafkaSink",
    "MemorySink",
    "Summary",
    "backfill",
    "default_config",
    "handbook_config",
    "live",
]
