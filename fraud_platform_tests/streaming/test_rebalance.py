"""Validators joining and leaving one group while batches are in flight: every partition moves
with its batch in flight committed or redone, so nothing is lost or forwarded twice."""

from __future__ import annotations

import time

import pytest

from .checks import committed_transaction_ids, invalid_documents
from .conftest import PARTITIONS
from .workload import produce, workload

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]

MESSAGES = 120_000
CHUNKS = 6
BATCH = ["--batch-size", "500"]


def current_assignment(process) -> set[int]:
    """The partitions a validator holds now, from its log (eager protocol: a revoke empties it)."""
    held: set[int] = set()
    for line in process.log_path.read_text(errors="replace").splitlines():
        if " assigned partitions [" in line:
            held = {int(p) for p in line.rsplit("[", 1)[1].rstrip("]").split(",") if p.strip()}
        elif " revoked partitions [" in line:
            held = set()
    return held


def wait_until_shared(members: dict, timeout: float = 120) -> None:
    """Until the live members hold every partition between them, each some."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = [current_assignment(process) for process in members.values()]
        if all(held) and set().union(*held) == set(range(PARTITIONS)):
            return
        time.sleep(0.2)
    raise TimeoutError(f"the group did not settle: {[current_assignment(p) for p in members.values()]}")


def test_members_joining_and_leaving_mid_run(pipeline, settings):
    messages = workload(MESSAGES, seed=5)
    chunk = MESSAGES // CHUNKS
    produce(settings.kafka.client_config(), pipeline.raw_topic, messages[:chunk])
    members = {"v0": pipeline.start(pipeline.validator_args("v0", *BATCH), "validator-v0")}
    wait_until_shared(members)
    for n in range(1, CHUNKS):
        produce(settings.kafka.client_config(), pipeline.raw_topic, messages[n * chunk:(n + 1) * chunk])
        time.sleep(0.5)  # batches are in flight when the group changes
        if n % 2 == 1:  # a member joins: every partition is revoked and reassigned at once
            name = f"v{n}"
            members[name] = pipeline.start(pipeline.validator_args(name, *BATCH), f"validator-{name}")
        else:  # the oldest leaves gracefully; its partitions move when its session expires
            name = min(members)
            pipeline.stop(members.pop(name), f"validator-{name}")
        wait_until_shared(members)
    for name, process in members.items():
        pipeline.stop(process, f"validator-{name}")
    # Static members keep their partitions until their sessions expire; only then does the drain
    # run get every partition (--drain ends when the partitions assigned to it are caught up).
    time.sleep(settings.streaming.session_timeout_ms / 1000 + 3)
    pipeline.run(pipeline.validator_args("v0", "--drain"), "validator-drain")
    assert "assigned partitions [0, 1, 2, 3, 4, 5]" in pipeline.logs["validator-drain"].read_text()

    forwarded = committed_transaction_ids(settings, pipeline.validated_topic)
    assert max(forwarded.values()) == 1, "a transaction_id was forwarded twice"
    assert set(forwarded) == {m.transaction_id for m in messages if m.fate == "valid"}
    documents = invalid_documents(settings.elasticsearch.url, pipeline.index)
    assert len(documents) == sum(m.fate != "valid" for m in messages)
    assert sum("duplicate_transaction_id" in d["reasons"] for d in documents.values()) == sum(
        m.fate == "duplicate" for m in messages)
