"""Where messages go: Kafka, a JSON Lines file, or memory (tests and fast counting).

Every sink takes (keys, values) chunks and reports on close how many messages it could
not deliver.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO, Protocol

from confluent_kafka import KafkaError, Producer

# librdkafka tuning for throughput on one process: large lz4 batches, a short linger
# so batches fill, and a bounded queue (~64 MB) so memory stays flat while the broker
# catches up. Idempotence keeps retries from duplicating or reordering messages.
PRODUCER_TUNING: dict[str, object] = {
    "enable.idempotence": True,
    "acks": "all",
    "compression.type": "lz4",
    "linger.ms": 25,
    "batch.size": 1_000_000,
    "batch.num.messages": 10_000,
    "queue.buffering.max.messages": 100_000,
    "queue.buffering.max.kbytes": 65_536,
    # Only failures call back into Python: a callback per message would cost more than producing.
    "delivery.report.only.error": True,
}
POLL_EVERY = 5_000  # messages between poll(0) calls, to serve delivery callbacks


class Sink(Protocol):
    def send(self, keys: list[bytes], values: list[bytes]) -> None: ...

    def close(self) -> int:
        """Flush; return the number of messages that were not delivered."""
        ...


class KafkaSink:
    def __init__(self, client_config: dict[str, str], topic: str, overrides: dict[str, object] | None = None) -> None:
        self.topic = topic
        self.failed = 0
        self.first_error: KafkaError | None = None
        self.producer = Producer({**client_config, **PRODUCER_TUNING, "on_delivery": self._on_delivery,
                                  **(overrides or {})})

    def _on_delivery(self, error: KafkaError | None, _message: object) -> None:
        if error is not None:
            self.failed += 1
            self.first_error = self.first_error or error

    def send(self, keys: list[bytes], values: list[bytes]) -> None:
        produce, poll, topic = self.producer.produce, self.producer.poll, self.topic
        for start in range(0, len(values), POLL_EVERY):
            for key, value in zip(keys[start : start + POLL_EVERY], values[start : start + POLL_EVERY]):
                try:
                    produce(topic, value, key)
                except BufferError:
                    # Queue full: let librdkafka send some batches, then retry once it has room.
                    while True:
                        poll(0.005)
                        try:
                            produce(topic, value, key)
                            break
                        except BufferError:
                            continue
            poll(0)

    def close(self) -> int:
        while self.producer.flush(1.0) > 0:
            pass
        return self.failed


class JsonLinesSink:
    """One message per line (keys are not written: valid messages carry card_id)."""

    def __init__(self, path: str | Path) -> None:
        self.file: IO[bytes] = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 (closed in close())

    def send(self, keys: list[bytes], values: list[bytes]) -> None:
        if values:
            self.file.write(b"\n".join(values) + b"\n")

    def close(self) -> int:
        self.file.close()
        return 0


class MemorySink:
    """Counts messages and bytes and hashes them in order; keeps them too if `keep`."""

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep
        self.keys: list[bytes] = []
        self.values: list[bytes] = []
        self.count = 0
        self.bytes = 0
        self.digest = hashlib.sha256()

    def send(self, keys: list[bytes], values: list[bytes]) -> None:
        self.count += len(values)
        for key, value in zip(keys, values):
            self.bytes += len(value)
            self.digest.update(b"%d:%s%d:%s" % (len(key), key, len(value), value))
        if self.keep:
            self.keys += keys
            self.values += values

    def close(self) -> int:
        return 0
