"""`fraud-validator`: run one validator process (a member of its consumer group)."""

from __future__ import annotations

import sys

import click

from fraud_platform.settings import Settings
from streaming.common.logs import configure_logging
from streaming.common.memory import limit_malloc_arenas

from .service import Validator, ValidatorOptions


@click.command()
@click.option("--raw-topic", help="Input topic. Default: FRAUD_KAFKA_RAW_TOPIC.")
@click.option("--validated-topic", help="Output topic of valid messages. Default: FRAUD_KAFKA_VALIDATED_TOPIC.")
@click.option("--group", help="Consumer group. Default: FRAUD_VALIDATOR_GROUP.")
@click.option("--instance", help="Stable member name (static membership, transactional.id). "
                                 "Default: FRAUD_VALIDATOR_INSTANCE, else host-pid.")
@click.option("--index", help="Elasticsearch index of invalid messages. Default: FRAUD_ES_INVALID_INDEX.")
@click.option("--batch-size", type=int, help="Messages per transaction. Default: FRAUD_VALIDATOR_BATCH_SIZE.")
@click.option("--dedup-window", type=int, help="Offsets per partition checked for repeated transaction_ids.")
@click.option("--metrics-port", type=int, help="/metrics port (0 = any free port, -1 = off).")
@click.option("--drain", is_flag=True, help="Exit 0 once every partition assigned to this process is caught up "
              "(a stopped --instance member keeps its partitions until its session expires).")
@click.option("--log-level", default="INFO", show_default=True)
def main(raw_topic, validated_topic, group, instance, index, batch_size, dedup_window, metrics_port, drain,
         log_level) -> None:
    """Validate raw-transactions against the contract: valid messages go to validated-transactions in a
    Kafka transaction with the consumed offsets; invalid ones go to Elasticsearch with every reason."""
    configure_logging("fraud-validator", log_level)
    limit_malloc_arenas()
    settings = Settings.from_env()
    options = ValidatorOptions.from_settings(
        settings, raw_topic=raw_topic, validated_topic=validated_topic, group=group, instance=instance,
        index=index, batch_size=batch_size, dedup_window=dedup_window, metrics_port=metrics_port, drain=drain,
    )
    sys.exit(Validator(settings, options).run())


if __name__ == "__main__":
    main()
