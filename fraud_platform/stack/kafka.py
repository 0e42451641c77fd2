"""Apache Kafka 4 in KRaft mode: one combined broker + controller, jars from Maven Central."""

from __future__ import annotations

import subprocess
from pathlib import Path

from confluent_kafka.admin import AdminClient, NewTopic

from fraud_platform.stack.errors import ServiceFailedError
from fraud_platform.stack.processes import port_in_use
from fraud_platform.stack.prerequisites import APT_HINT, require_executable, require_java_home
from fraud_platform.stack.provisioning import ensure_built, maven_pom, run_tool
from fraud_platform.stack.service import LaunchSpec, Port, Service

# The Log4j2 binding and a matching SLF4J 2 API are what the release's libs/ adds on top of
# kafka_2.13's own runtime dependencies.
LOGGING_ARTIFACTS = [
    ("org.apache.logging.log4j", "log4j-slf4j2-impl", "2.24.3"),
    ("org.slf4j", "slf4j-api", "2.0.17"),
]

LOG4J2_PROPERTIES = """\
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.controller.name = org.apache.kafka.controller
logger.controller.level = WARN
"""


class Kafka(Service):
    name = "kafka"

    def ports(self) -> list[Port]:
        k = self.settings.kafka
        return [Port(k.host, k.port, "FRAUD_KAFKA_PORT"), Port(k.host, k.controller_port, "FRAUD_KAFKA_CONTROLLER_PORT")]

    @property
    def java(self) -> Path:
        return Path(self.settings.stack.java_home) / "bin" / "java"

    @property
    def libs_dir(self) -> Path:
        return self.ctx.cache_dir / "kafka" / self.settings.kafka.version / "libs"

    def check_prerequisites(self) -> None:
        require_java_home(self.settings.stack.java_home, 17, "FRAUD_JAVA_HOME")
        if not self.libs_dir.exists():
            require_executable("mvn", f"install Maven ({APT_HINT} maven) to fetch the Kafka jars")

    def provision(self) -> None:
        version = self.settings.kafka.version
        artifacts = [
            ("org.apache.kafka", "kafka_2.13", version),
            ("org.apache.kafka", "kafka-tools", version),
            *LOGGING_ARTIFACTS,
        ]

        def build(tmp: Path) -> None:
            self.ctx.report(f"kafka: resolving kafka_2.13 {version} and its runtime jars with Maven")
            (tmp / "pom.xml").write_text(maven_pom(artifacts))
            run_tool(
                ["mvn", "-B", "-q", "dependency:copy-dependencies", "-DincludeScope=runtime",
                 f"-DoutputDirectory={tmp / 'libs'}"],
                what="Maven resolution of the Kafka jars", cwd=tmp, log_path=self.ctx.log_path("provision-kafka"),
                env={"JAVA_HOME": self.settings.stack.java_home},
            )

        ensure_built(self.libs_dir.parent, build)

    @property
    def data_dir(self) -> Path:
        return self.ctx.service_dir(self.name) / "data"

    @property
    def config_path(self) -> Path:
        return self.ctx.service_dir(self.name) / "server.properties"

    def server_properties(self) -> str:
        k = self.settings.kafka
        return "\n".join([
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.bootstrap.servers={k.host}:{k.controller_port}",
            f"listeners=PLAINTEXT://{k.host}:{k.port},CONTROLLER://{k.host}:{k.controller_port}",
            f"advertised.listeners=PLAINTEXT://{k.host}:{k.port},CONTROLLER://{k.host}:{k.controller_port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            f"log.dirs={self.data_dir}",
            f"num.partitions={k.topic_partitions}",
            # One broker: internal topics cannot have more replicas, and transactions must work.
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false",
            "",
        ])

    def _java_base(self) -> list[str]:
        log4j = self.ctx.service_dir(self.name) / "log4j2.properties"
        return [str(self.java), f"-Dlog4j2.configurationFile={log4j}", "-cp", f"{self.libs_dir}/*"]

    def prepare(self) -> None:
        service_dir = self.ctx.service_dir(self.name)
        service_dir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(self.server_properties())
        (service_dir / "log4j2.properties").write_text(LOG4J2_PROPERTIES)
        if (self.data_dir / "meta.properties").exists():
            return
        cluster_id = subprocess.run(
            [*self._java_base(), "kafka.tools.StorageTool", "random-uuid"],
            capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]
        result = subprocess.run(
            [*self._java_base(), "kafka.tools.StorageTool", "format", "--standalone", "-t", cluster_id,
             "-c", str(self.config_path)],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise ServiceFailedError(f"kafka: formatting the KRaft storage failed: {result.stderr.strip()[-300:]}")

    def launch_spec(self) -> LaunchSpec:
        heap = self.settings.kafka.heap
        argv = [*self._java_base(), f"-Xms{heap}", f"-Xmx{heap}", "kafka.Kafka", str(self.config_path)]
        argv.insert(1, "-XX:+UseG1GC")
        return LaunchSpec(argv=argv)

    def admin(self) -> AdminClient:
        k = self.settings.kafka
        return AdminClient({"bootstrap.servers": f"{k.host}:{k.port}", "socket.timeout.ms": 5000})

    def is_healthy(self) -> bool:
        k = self.settings.kafka
        if not port_in_use(k.host, k.port):  # spare librdkafka's connection-refused noise
            return False
        try:
            metadata = self.admin().list_topics(timeout=3)
            return bool(metadata.brokers) and metadata.controller_id >= 0
        except Exception:
            return False

    def after_healthy(self) -> None:
        k = self.settings.kafka
        admin = self.admin()
        existing = admin.list_topics(timeout=10).topics
        wanted = [NewTopic(t, k.topic_partitions, 1) for t in (k.raw_topic, k.validated_topic) if t not in existing]
        if not wanted:
            return
        for topic, future in admin.create_topics(wanted, operation_timeout=30).items():
            future.result()
            self.ctx.report(f"kafka: created topic {topic} with {k.topic_partitions} partitions")
