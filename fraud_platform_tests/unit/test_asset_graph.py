"""Snapshot of the asset graph, so that graph changes show up in review.

Regenerate after an intended change: FRAUD_UPDATE_SNAPSHOTS=1 pytest fraud_platform_tests/unit/test_asset_graph.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg

from fraud_platform.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def describe(definitions: dg.Definitions) -> dict:
    graph = definitions.resolve_asset_graph()
    out = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        out[key.to_user_string()] = {
            "group": node.group_name,
            "kinds": sorted(node.kinds),
            "deps": sorted(d.to_user_string() for d in node.parent_keys),
            "partitioned": node.partitions_def is not None,
            "checks": sorted(c.name for c in node.check_keys),
        }
    return out


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)


def test_asset_graph_matches_snapshot():
    current = describe(defs)
    if os.environ.get("FRAUD_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())
