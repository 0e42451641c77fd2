"""Every host, port, credential, bucket and path of the platform, read from the environment.

Each field names its environment variable and carries an embedded default, so the platform
runs with no configuration at all; `.env.example` is generated from these declarations
(`fraud-platform settings env-example`) and a test keeps it in sync. Pure Python: no Dagster.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

LOOPBACK = "127.0.0.1"


def setting(env: str, default: Any, help: str, *, secret: bool = False) -> Any:
    """Declare a setting: its environment variable, embedded default and one-line help."""
    return field(default=default, metadata={"env": env, "help": help, "secret": secret})


def _coerce(raw: str, kind: Any, env: str) -> Any:
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"{env}={raw!r} is not a boolean; use true or false")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{env}={raw!r} is not an integer") from None
    return raw


def _from_env(cls: type, environ: Mapping[str, str]) -> Any:
    hints = get_type_hints(cls)
    values = {}
    for f in fields(cls):
        env = f.metadata["env"]
        if env in environ:
            values[f.name] = _coerce(environ[env], hints[f.name], env)
    return cls(**values)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def _default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "fraud-platform")


def _default_run_dir() -> str:
    # Not under $HOME: when the stack runs as root, Elasticsearch and PostgreSQL run as an
    # unprivileged user that cannot traverse /root.
    return f"/var/tmp/fraud-platform-{_default_user()}"


def _first_existing(*candidates: str) -> str:
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    return ""


def _default_java_home() -> str:
    return _first_existing(
        os.environ.get("JAVA_HOME", ""), "/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/default-java"
    )


def _default_es_java_home() -> str:
    # Elasticsearch 9 needs Java 21+.
    return _first_existing("/usr/lib/jvm/temurin-25-jdk-amd64", "/usr/lib/jvm/java-21-openjdk-amd64")


def _default_postgres_bin_dir() -> str:
    root = Path("/usr/lib/postgresql")
    versions = sorted(root.glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name), reverse=True)
    return str(versions[0].parent) if versions else ""


@dataclass(frozen=True)
class StackSettings:
    cache_dir: str = setting(
        "FRAUD_STACK_CACHE_DIR", _default_cache_dir(), "Downloads and builds shared by every clone (jars, ES, S3 server)"
    )
    run_dir: str = setting("FRAUD_STACK_RUN_DIR", _default_run_dir(), "Service data, logs and pid records")
    service_user: str = setting(
        "FRAUD_STACK_SERVICE_USER", "fraudstack", "Unprivileged user for Elasticsearch and PostgreSQL when run as root"
    )
    java_home: str = setting("FRAUD_JAVA_HOME", _default_java_home(), "JDK (17+) for Kafka")
    es_java_home: str = setting("FRAUD_ES_JAVA_HOME", _default_es_java_home(), "JDK (21+) for Elasticsearch 9")
    postgres_bin_dir: str = setting(
        "FRAUD_POSTGRES_BIN_DIR", _default_postgres_bin_dir(), "Directory holding initdb and postgres"
    )
    start_timeout_s: int = setting("FRAUD_STACK_START_TIMEOUT", 180, "Seconds a service may take to become healthy")
    stop_timeout_s: int = setting("FRAUD_STACK_STOP_TIMEOUT", 30, "Seconds before a stopping service is killed")


@dataclass(frozen=True)
class KafkaSettings:
    version: str = setting("FRAUD_KAFKA_VERSION", "4.1.1", "Apache Kafka version resolved from Maven Central")
    host: str = setting("FRAUD_KAFKA_HOST", LOOPBACK, "Local broker listen address")
    port: int = setting("FRAUD_KAFKA_PORT", 9092, "Local broker port")
    controller_port: int = setting("FRAUD_KAFKA_CONTROLLER_PORT", 9093, "Local KRaft controller port")
    heap: str = setting("FRAUD_KAFKA_HEAP", "512m", "Local broker JVM heap")
    bootstrap_servers: str = setting(
        "FRAUD_KAFKA_BOOTSTRAP_SERVERS", "", "Bootstrap servers; empty means the local broker"
    )
    security_protocol: str = setting(
        "FRAUD_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT", "PLAINTEXT locally, SASL_SSL for Confluent Cloud"
    )
    sasl_mechanism: str = setting("FRAUD_KAFKA_SASL_MECHANISM", "PLAIN", "SASL mechanism (Confluent Cloud: PLAIN)")
    api_key: str = setting("FRAUD_KAFKA_API_KEY", "", "SASL username (Confluent Cloud API key)")
    api_secret: str = setting(
        "FRAUD_KAFKA_API_SECRET", "", "SASL password (Confluent Cloud API secret)", secret=True
    )
    topic_partitions: int = setting("FRAUD_KAFKA_TOPIC_PARTITIONS", 6, "Partitions of the platform topics")
    raw_topic: str = setting("FRAUD_KAFKA_RAW_TOPIC", "raw-transactions", "Topic the generator produces to")
    validated_topic: str = setting(
        "FRAUD_KAFKA_VALIDATED_TOPIC", "validated-transactions", "Topic the validator forwards valid messages to"
    )

    @property
    def bootstrap(self) -> str:
        return self.bootstrap_servers or f"{self.host}:{self.port}"

    def client_config(self) -> dict[str, str]:
        """librdkafka settings shared by every producer, consumer and admin client."""
        config = {"bootstrap.servers": self.bootstrap, "security.protocol": self.security_protocol}
        if self.security_protocol.upper().startswith("SASL"):
            if not (self.api_key and self.api_secret):
                raise ValueError(
                    f"FRAUD_KAFKA_SECURITY_PROTOCOL={self.security_protocol} needs FRAUD_KAFKA_API_KEY and "
                    "FRAUD_KAFKA_API_SECRET"
                )
            config |= {
                "sasl.mechanism": self.sasl_mechanism,
                "sasl.username": self.api_key,
                "sasl.password": self.api_secret,
            }
        return config


@dataclass(frozen=True)
class ElasticsearchSettings:
    version: str = setting("FRAUD_ES_VERSION", "9.5.2", "Elasticsearch version (integ-test-zip from Maven Central)")
    host: str = setting("FRAUD_ES_HOST", LOOPBACK, "Local node listen address")
    port: int = setting("FRAUD_ES_PORT", 9200, "Local node HTTP port")
    transport_port: int = setting("FRAUD_ES_TRANSPORT_PORT", 9300, "Local node transport port")
    heap: str = setting("FRAUD_ES_HEAP", "512m", "Local node JVM heap")
    url_override: str = setting("FRAUD_ES_URL", "", "Elasticsearch URL; empty means the local node")
    invalid_index: str = setting(
        "FRAUD_ES_INVALID_INDEX", "invalid-transactions", "Index receiving invalid messages and their reasons"
    )

    @property
    def url(self) -> str:
        return self.url_override or f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class S3Settings:
    versitygw_version: str = setting(
        "FRAUD_VERSITYGW_VERSION", "v1.7.0", "versitygw release built with go install for the local S3 server"
    )
    host: str = setting("FRAUD_S3_HOST", LOOPBACK, "Local S3 server listen address")
    port: int = setting("FRAUD_S3_PORT", 9000, "Local S3 server port")
    endpoint_override: str = setting("FRAUD_S3_ENDPOINT_URL", "", "S3 endpoint; empty means the local S3 server")
    region: str = setting("FRAUD_S3_REGION", "us-east-1", "S3 region")
    access_key: str = setting("FRAUD_S3_ACCESS_KEY", "fraudplatform", "S3 access key (local development default)")
    secret_key: str = setting(
        "FRAUD_S3_SECRET_KEY", "fraudplatform-local", "S3 secret key (local development default)", secret=True
    )
    lake_bucket: str = setting("FRAUD_S3_LAKE_BUCKET", "fraud-lake", "Bucket of the data lake")
    mlflow_bucket: str = setting("FRAUD_S3_MLFLOW_BUCKET", "mlflow", "Bucket of MLflow artifacts")

    @property
    def endpoint_url(self) -> str:
        return self.endpoint_override or f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class PostgresSettings:
    host: str = setting("FRAUD_POSTGRES_HOST", LOOPBACK, "PostgreSQL host")
    port: int = setting("FRAUD_POSTGRES_PORT", 5433, "PostgreSQL port (not 5432, to avoid a system cluster)")
    user: str = setting("FRAUD_POSTGRES_USER", "fraud", "PostgreSQL user")
    password: str = setting(
        "FRAUD_POSTGRES_PASSWORD", "fraud-local", "PostgreSQL password (local development default)", secret=True
    )
    dagster_db: str = setting("FRAUD_POSTGRES_DAGSTER_DB", "dagster", "Database of Dagster run and event storage")
    mlflow_db: str = setting("FRAUD_POSTGRES_MLFLOW_DB", "mlflow", "Database of the MLflow backend store")

    def url(self, database: str, driver: str = "postgresql") -> str:
        return f"{driver}://{self.user}:{self.password}@{self.host}:{self.port}/{database}"


@dataclass(frozen=True)
class MlflowSettings:
    host: str = setting("FRAUD_MLFLOW_HOST", LOOPBACK, "MLflow tracking server listen address")
    port: int = setting("FRAUD_MLFLOW_PORT", 5000, "MLflow tracking server port")
    tracking_uri_override: str = setting(
        "FRAUD_MLFLOW_TRACKING_URI",
        "",
        "Tracking URI; empty means the local server (services profile) or a local store (embedded)",
    )


@dataclass(frozen=True)
class DagsterSettings:
    host: str = setting("FRAUD_DAGSTER_HOST", LOOPBACK, "Dagster webserver listen address")
    port: int = setting("FRAUD_DAGSTER_PORT", 3000, "Dagster webserver port")
    code_server_port: int = setting(
        "FRAUD_DAGSTER_CODE_SERVER_PORT",
        4266,
        "Port of the local stack's Dagster code server (its webserver and daemon share it)",
    )
    partitions_start: str = setting(
        "FRAUD_PARTITIONS_START", "2024-01-01", "First day of the daily partitions (UTC, YYYY-MM-DD)"
    )


@dataclass(frozen=True)
class LakeSettings:
    root_override: str = setting(
        "FRAUD_LAKE_ROOT", "", "Lake root: a directory or s3://bucket; empty means <data dir>/lake (embedded) "
        "or s3://<lake bucket> (services)"
    )


@dataclass(frozen=True)
class SparkSettings:
    master: str = setting("FRAUD_SPARK_MASTER", "local[*]", "Spark master: local[*] or spark://host:7077")
    driver_memory: str = setting("FRAUD_SPARK_DRIVER_MEMORY", "2g", "Spark driver memory")
    shuffle_partitions: int = setting("FRAUD_SPARK_SHUFFLE_PARTITIONS", 4, "spark.sql.shuffle.partitions")
    hadoop_aws_version: str = setting(
        "FRAUD_SPARK_HADOOP_AWS_VERSION", "3.5.0", "hadoop-aws for s3a://; must match pyspark's bundled Hadoop"
    )
    reporting_currency: str = setting(
        "FRAUD_REPORTING_CURRENCY", "EUR", "Currency the processed stage converts amounts into"
    )


@dataclass(frozen=True)
class ContractSettings:
    max_amount: str = setting(
        "FRAUD_CONTRACT_MAX_AMOUNT", "50000.00", "Largest accepted transaction amount (at most 2 decimals)"
    )


@dataclass(frozen=True)
class WarehouseSettings:
    kind: str = setting("FRAUD_WAREHOUSE", "duckdb", "duckdb (embedded default) or snowflake; also the dbt target")
    duckdb_path: str = setting("FRAUD_DUCKDB_PATH", "data/warehouse.duckdb", "DuckDB warehouse file")
    snowflake_account: str = setting("FRAUD_SNOWFLAKE_ACCOUNT", "", "Snowflake account identifier")
    snowflake_user: str = setting("FRAUD_SNOWFLAKE_USER", "", "Snowflake user")
    snowflake_password: str = setting("FRAUD_SNOWFLAKE_PASSWORD", "", "Snowflake password", secret=True)
    snowflake_role: str = setting("FRAUD_SNOWFLAKE_ROLE", "TRANSFORMER", "Snowflake role")
    snowflake_database: str = setting("FRAUD_SNOWFLAKE_DATABASE", "FRAUD", "Snowflake database")
    snowflake_warehouse: str = setting("FRAUD_SNOWFLAKE_WAREHOUSE", "COMPUTE_WH", "Snowflake virtual warehouse")


@dataclass(frozen=True)
class QualitySettings:
    # Decimal strings: the settings module coerces only str, int and bool.
    min_fraud_rate: str = setting(
        "FRAUD_QUALITY_MIN_FRAUD_RATE", "0", "Lowest fraud rate of a day (0-1) the checks accept"
    )
    max_fraud_rate: str = setting(
        "FRAUD_QUALITY_MAX_FRAUD_RATE", "0.05", "Highest fraud rate of a day (0-1) the checks accept"
    )
    min_median_amount: str = setting(
        "FRAUD_QUALITY_MIN_MEDIAN_AMOUNT", "1.00", "Lowest median transaction amount of a day the checks accept"
    )
    max_median_amount: str = setting(
        "FRAUD_QUALITY_MAX_MEDIAN_AMOUNT", "1000.00", "Highest median transaction amount of a day the checks accept"
    )


@dataclass(frozen=True)
class StreamingSettings:
    session_timeout_ms: int = setting(
        "FRAUD_STREAMING_SESSION_TIMEOUT_MS", 10000, "Consumer-group session timeout of the validator and the lander"
    )
    poll_timeout_ms: int = setting(
        "FRAUD_STREAMING_POLL_TIMEOUT_MS", 500, "Longest wait for a batch of messages from Kafka"
    )
    report_interval_s: int = setting(
        "FRAUD_STREAMING_REPORT_INTERVAL_S", 10, "Seconds between metric log lines of the streaming processes"
    )


@dataclass(frozen=True)
class ValidatorSettings:
    group: str = setting("FRAUD_VALIDATOR_GROUP", "fraud-validator", "Consumer group of the validator")
    instance: str = setting(
        "FRAUD_VALIDATOR_INSTANCE",
        "",
        "Stable member name (static membership, transactional.id fraud-validator-<instance>); empty = host-pid",
    )
    batch_size: int = setting(
        "FRAUD_VALIDATOR_BATCH_SIZE", 2000, "Messages per Kafka transaction (and per Elasticsearch bulk request)"
    )
    dedup_window: int = setting(
        "FRAUD_VALIDATOR_DEDUP_WINDOW", 20000, "Offsets per partition within which a repeated transaction_id is caught"
    )
    raw_payload_max_bytes: int = setting(
        "FRAUD_VALIDATOR_RAW_PAYLOAD_MAX_BYTES", 16384, "Bytes of an invalid message's payload kept in Elasticsearch"
    )
    transaction_timeout_ms: int = setting(
        "FRAUD_VALIDATOR_TRANSACTION_TIMEOUT_MS", 60000, "Kafka transaction timeout of the validator's producer"
    )
    es_backoff_max_s: int = setting(
        "FRAUD_VALIDATOR_ES_BACKOFF_MAX_S", 30, "Longest pause between retries while Elasticsearch is unreachable"
    )
    metrics_port: int = setting(
        "FRAUD_VALIDATOR_METRICS_PORT", 9464, "Port of the validator's /metrics (0 = any free port, -1 = off)"
    )
    native: bool = setting(
        "FRAUD_VALIDATOR_NATIVE",
        True,
        "Use the native fast path (native/fraud_fastpath) when installed; false = the Python path for every message",
    )


@dataclass(frozen=True)
class LanderSettings:
    group: str = setting("FRAUD_LANDER_GROUP", "fraud-lander", "Consumer group of the lander")
    instance: str = setting(
        "FRAUD_LANDER_INSTANCE", "", "Stable member name of the lander (static membership); empty = host-pid"
    )
    batch_size: int = setting("FRAUD_LANDER_BATCH_SIZE", 5000, "Messages the lander takes from Kafka per poll")
    rotate_records: int = setting(
        "FRAUD_LANDER_ROTATE_RECORDS", 10000, "Records per Kafka partition after which its open files are written"
    )
    # A day, the lake's and Dagster's unit (dt=YYYY-MM-DD): a day's files are complete at the same
    # moment as with hourly cuts (once each partition's stream passes midnight), but the default
    # world's ~460 records a partition-hour no longer make a 7 kB file (and a sensor run) each.
    rotate_interval_s: int = setting(
        "FRAUD_LANDER_ROTATE_INTERVAL_S", 86400, "Event-time interval after which a partition's open files are written"
    )
    native: bool = setting(
        "FRAUD_LANDER_NATIVE",
        True,
        "Use the native segment builder (native/fraud_fastpath) when installed; false = the Python loop",
    )
    write_threads: int = setting(
        "FRAUD_LANDER_WRITE_THREADS", 4, "Segments written to the lake at once, while the lander keeps consuming"
    )
    idle_flush_s: int = setting(
        "FRAUD_LANDER_IDLE_FLUSH_S",
        0,
        "Write open files after this many idle seconds (0 = off); file boundaries then depend on timing",
    )
    metrics_port: int = setting(
        "FRAUD_LANDER_METRICS_PORT", 9465, "Port of the lander's /metrics (0 = any free port, -1 = off)"
    )


@dataclass(frozen=True)
class MlSettings:
    registered_model_name: str = setting(
        "FRAUD_ML_MODEL_NAME", "fraud-detector", "Registered MLflow model holding the champion and challenger aliases"
    )
    experiment_name: str = setting("FRAUD_ML_EXPERIMENT", "fraud-model", "MLflow experiment of the training runs")
    train_days: int = setting("FRAUD_ML_TRAIN_DAYS", 7, "Days of the training window")
    delay_days: int = setting(
        "FRAUD_ML_DELAY_DAYS", 7, "Days between training and test windows (fraud labels arrive this late)"
    )
    test_days: int = setting("FRAUD_ML_TEST_DAYS", 7, "Days of the test window")
    validation_days: int = setting(
        "FRAUD_ML_VALIDATION_DAYS", 3, "Days before the training window on which the alert threshold is chosen"
    )
    alert_budget: int = setting(
        "FRAUD_ML_ALERT_BUDGET", 100, "Alerts per day investigators can handle; sets the flagging threshold"
    )
    card_precision_k: int = setting("FRAUD_ML_CARD_PRECISION_K", 100, "k of Card Precision@k (cards checked per day)")
    # A decimal string: the settings module coerces only str, int and bool.
    min_average_precision: str = setting(
        "FRAUD_ML_MIN_AVERAGE_PRECISION", "0.30", "Test average precision the first champion must reach (0-1)"
    )


@dataclass(frozen=True)
class Settings:
    profile: str = setting("FRAUD_PROFILE", "embedded", "embedded (default) or services")
    data_dir: str = setting("FRAUD_DATA_DIR", "data", "Local data: lake, DuckDB warehouse, MLflow local store")
    stack: StackSettings = field(default_factory=StackSettings)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    elasticsearch: ElasticsearchSettings = field(default_factory=ElasticsearchSettings)
    s3: S3Settings = field(default_factory=S3Settings)
    postgres: PostgresSettings = field(default_factory=PostgresSettings)
    mlflow: MlflowSettings = field(default_factory=MlflowSettings)
    dagster: DagsterSettings = field(default_factory=DagsterSettings)
    warehouse: WarehouseSettings = field(default_factory=WarehouseSettings)
    quality: QualitySettings = field(default_factory=QualitySettings)
    contract: ContractSettings = field(default_factory=ContractSettings)
    streaming: StreamingSettings = field(default_factory=StreamingSettings)
    validator: ValidatorSettings = field(default_factory=ValidatorSettings)
    lander: LanderSettings = field(default_factory=LanderSettings)
    lake: LakeSettings = field(default_factory=LakeSettings)
    spark: SparkSettings = field(default_factory=SparkSettings)
    ml: MlSettings = field(default_factory=MlSettings)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        groups = {f.name: _from_env(f.default_factory, environ) for f in fields(cls) if f.default_factory is not MISSING}
        top = {f.name: f for f in fields(cls) if "env" in f.metadata}
        scalars = {name: environ[f.metadata["env"]] for name, f in top.items() if f.metadata["env"] in environ}
        settings = cls(**groups, **scalars)
        if settings.profile not in PROFILES:
            raise ValueError(f"FRAUD_PROFILE={settings.profile!r} is unknown; use one of {', '.join(PROFILES)}")
        return settings

    @property
    def lake_root(self) -> str:
        """Where the lake lives: a local directory (embedded) or s3://bucket (services)."""
        if self.lake.root_override:
            return self.lake.root_override
        if self.profile == "services":
            return f"s3://{self.s3.lake_bucket}"
        return str(Path(self.data_dir).resolve() / "lake")

    @property
    def mlflow_tracking_uri(self) -> str:
        if self.mlflow.tracking_uri_override:
            return self.mlflow.tracking_uri_override
        if self.profile == "services":
            return f"http://{self.mlflow.host}:{self.mlflow.port}"
        return f"sqlite:///{Path(self.data_dir).resolve() / 'mlflow' / 'mlflow.db'}"


PROFILES = ("embedded", "services")


@dataclass(frozen=True)
class SettingDoc:
    env: str
    default: Any
    help: str
    secret: bool


def iter_setting_docs() -> Iterator[SettingDoc]:
    """Every declared setting, in declaration order (drives .env.example)."""

    def walk(cls: type) -> Iterator[SettingDoc]:
        for f in fields(cls):
            if f.default_factory is not MISSING:
                yield from walk(f.default_factory)
            else:
                yield SettingDoc(f.metadata["env"], f.default, f.metadata["help"], f.metadata["secret"])

    yield from walk(Settings)


def render_env_example() -> str:
    """The text of .env.example; machine-specific defaults are shown as comments only."""
    machine_specific = {
        "FRAUD_STACK_CACHE_DIR": "~/.cache/fraud-platform",
        "FRAUD_STACK_RUN_DIR": "/var/tmp/fraud-platform-$USER",
        "FRAUD_JAVA_HOME": "$JAVA_HOME or the system JDK 17",
        "FRAUD_ES_JAVA_HOME": "a JDK 21+ under /usr/lib/jvm",
        "FRAUD_POSTGRES_BIN_DIR": "the newest /usr/lib/postgresql/*/bin",
    }
    lines = [
        "# Every setting of the platform with its embedded default. Copy to .env and change what you need;",
        "# docker-compose.yml reads .env too. Generated by `fraud-platform settings env-example`.",
        "",
    ]
    for doc in iter_setting_docs():
        lines.append(f"# {doc.help}")
        if doc.env in machine_specific:
            lines.append(f"# {doc.env}=  (default: {machine_specific[doc.env]})")
        else:
            # Cloud secrets stay empty; local-development defaults are for loopback servers only.
            value = "" if doc.secret and not doc.default else doc.default
            lines.append(f"{doc.env}={value}")
    return "\n".join(lines) + "\n"
