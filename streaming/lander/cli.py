"""`fraud-lander`: run one lander process (a member of its consumer group)."""

from __future__ import annotations

import sys

import click

from fraud_platform.settings import Settings
from streaming.common.logs import configure_logging
from streaming.common.memory import limit_malloc_arenas

from .service import Lander, LanderOptions


@click.command()
@click.option("--topic", help="Input topic. Default: FRAUD_KAFKA_VALIDATED_TOPIC.")
@click.option("--group", help="Consumer group. Default: FRAUD_LANDER_GROUP.")
@click.option("--instance", help="Stable member name (static membership). Default: FRAUD_LANDER_INSTANCE.")
@click.option("--lake-root", help="A directory or s3://bucket[/prefix]. Default: FRAUD_LAKE_ROOT.")
@click.option("--batch-size", type=int, help="Messages per poll. Default: FRAUD_LANDER_BATCH_SIZE.")
@click.option("--rotate-records", type=int, help="Records per partition segment. Default: FRAUD_LANDER_ROTATE_RECORDS.")
@click.option("--rotate-interval-s", type=int, help="Event-time interval per segment (0 = off).")
@click.option("--idle-flush-s", type=int, help="Write open files after this many idle seconds (0 = off; "
                                               "file boundaries then depend on timing).")
@click.option("--metrics-port", type=int, help="/metrics port (0 = any free port, -1 = off).")
@click.option("--drain", is_flag=True, help="Write every open segment and exit 0 once the partitions assigned "
              "to this process are caught up (a stopped --instance member keeps its partitions until its "
              "session expires).")
@click.option("--log-level", default="INFO", show_default=True)
def main(topic, group, instance, lake_root, batch_size, rotate_records, rotate_interval_s, idle_flush_s,
         metrics_port, drain, log_level) -> None:
    """Land validated-transactions in the lake raw stage as exactly-once .jsonl.gz files."""
    configure_logging("fraud-lander", log_level)
    limit_malloc_arenas()
    settings = Settings.from_env()
    options = LanderOptions.from_settings(
        settings, topic=topic, group=group, instance=instance, lake_root=lake_root, batch_size=batch_size,
        rotate_records=rotate_records, rotate_interval_s=rotate_interval_s, idle_flush_s=idle_flush_s,
        metrics_port=metrics_port, drain=drain,
    )
    sys.exit(Lander(settings, options).run())


if __name__ == "__main__":
    main()
