"""One logging setup for the streaming processes: single-line records on stderr."""

from __future__ import annotations

import logging


def configure_logging(name: str, level: str = "INFO") -> logging.Logger:
    logging.basicConfig(level=level, format=f"%(asctime)s {name} %(levelname)s %(message)s")
    # The Elasticsearch client logs every request at INFO; only its problems are worth a line.
    for noisy in ("elastic_transport", "elasticsearch", "botocore", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return logging.getLogger(name)
