"""SIGKILL the validator and the lander again and again during a 200,000-message run: nothing is lost,
nothing is doubled, and the lake holds the same bytes a clean run writes."""

from __future__ import annotations

import random
import signal
import time

import pytest

from .checks import invalid_documents, lake_transaction_ids
from .conftest import lake_files, lake_of
from .workload import produce, workload

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("services_stack")]

MESSAGES = 200_000
CHUNKS = 8
LANDER_ROTATION = ["--rotate-records", "5000", "--rotate-interval-s", "21600"]


def test_sigkill_and_restart_lose_and_double_nothing(pipeline, settings, s3_prefix, tmp_path):
    messages = workload(MESSAGES, seed=2)
    rng = random.Random(4)
    validator = pipeline.start(pipeline.validator_args("v0", "--batch-size", "1000"), "validator")
    lander = pipeline.start(pipeline.lander_args("l0", *LANDER_ROTATION, lake_root=s3_prefix), "lander")
    chunk = MESSAGES // CHUNKS
    for n in range(CHUNKS):
        # Kill while a fresh chunk is in flight, alternating victims.
        produce(settings.kafka.client_config(), pipeline.raw_topic, messages[n * chunk:(n + 1) * chunk])
        pipeline.wait_ready(validator if n % 2 == 0 else lander)
        time.sleep(rng.uniform(0.5, 2.5))
        if n % 2 == 0:
            validator.send_signal(signal.SIGKILL)
            validator.wait(30)
            validator = pipeline.start(pipeline.validator_args("v0", "--batch-size", "1000"), "validator")
        else:
            lander.send_signal(signal.SIGKILL)
            lander.wait(30)
            lander = pipeline.start(pipeline.lander_args("l0", *LANDER_ROTATION, lake_root=s3_prefix), "lander")
    # Graceful stop exits 0; the drain runs then finish whatever is left.
    time.sleep(rng.uniform(0.5, 1.5))
    for process, name in ((validator, "validator"), (lander, "lander")):
        pipeline.wait_ready(process)
        pipeline.stop(process, name)
    pipeline.run(pipeline.validator_args("v0", "--drain"), "validator")
    pipeline.run(pipeline.lander_args("l0", "--drain", *LANDER_ROTATION, lake_root=s3_prefix), "lander")

    valid = {m.transaction_id for m in messages if m.fate == "valid"}
    landed = lake_transaction_ids(lake_of(settings, s3_prefix))
    assert max(landed.values()) == 1, "a transaction_id appears twice in the lake"
    assert set(landed) == valid
    documents = invalid_documents(settings.elasticsearch.url, pipeline.index)
    assert len(documents) == sum(m.fate != "valid" for m in messages)
    assert len({(d["source"]["partition"], d["source"]["offset"]) for d in documents.values()}) == len(documents)
    assert sum(landed.values()) + len(documents) == MESSAGES

    # A clean lander over the same validated topic, into a local directory: same keys, same bytes.
    clean_root = str(tmp_path / "clean-lake")
    pipeline.run(pipeline.lander_args("clean", "--drain", *LANDER_ROTATION, lake_root=clean_root,
                                      group=f"clean-{pipeline.tag}"), "lander-clean")
    killed_files = lake_files(lake_of(settings, s3_prefix))
    assert killed_files.keys() == lake_files(lake_of(settings, clean_root)).keys()
    assert killed_files == lake_files(lake_of(settings, clean_root))
