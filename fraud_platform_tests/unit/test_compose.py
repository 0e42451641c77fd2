"""docker-compose.yml: checked by a real Compose implementation, then against the project's rules.

There is no Docker engine here, but Debian's `docker-compose` (1.29) validates and renders a file
without one (`docker-compose config`), including `condition: service_completed_successfully`.
The raw-text checks (defaults, secrets) need no executable and always run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from fraud_platform.settings import ElasticsearchSettings, KafkaSettings, iter_setting_docs

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"

EXPECTED_SERVICES = {
    "kafka", "kafka-init", "elasticsearch", "kibana", "minio", "bucket-init", "postgres", "mlflow",
    "dagster-webserver", "dagster-daemon", "spark-master", "spark-worker",
}
ONE_SHOT = {"kafka-init", "bucket-init"}
# `${VAR}` / `${VAR:-default}` references; `$$` is Compose's escape for a literal `$`.
REFERENCE = re.compile(r"(?<!\$)\$\{([^}:]+)(?::-([^}]*))?\}")
SECRET_KEY_NAME = re.compile(r"PASSWORD|SECRET|ACCESS_KEY|TOKEN|API_KEY")


def render(tmp_path: Path, env_lines: str = "") -> dict:
    """`docker-compose config` with only `env_lines` as .env and no FRAUD_* from this shell."""
    executable = shutil.which("docker-compose")
    if executable is None:
        pytest.skip("docker-compose not installed (Debian: apt-get install --no-install-recommends docker-compose)")
    env_file = tmp_path / "compose.env"
    env_file.write_text(env_lines)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("FRAUD_", "COMPOSE_", "DOCKER_"))}
    result = subprocess.run(
        [executable, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config"],
        capture_output=True, text=True, env=environ, cwd=REPO_ROOT, timeout=120,
    )
    assert result.returncode == 0, f"docker-compose rejected the file:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> dict:
    return render(tmp_path_factory.mktemp("compose"))["services"]


def test_services_are_exactly_the_stack(services):
    assert set(services) == EXPECTED_SERVICES


def test_long_running_services_have_healthchecks_and_one_shots_do_not_restart(services):
    for name, service in services.items():
        if name in ONE_SHOT:
            assert service.get("restart") == "no", name
        else:
            check = service.get("healthcheck", {})
            assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_dependencies_wait_for_health_or_completion(services):
    for name, service in services.items():
        for dependency, spec in service.get("depends_on", {}).items():
            wanted = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            assert spec.get("condition") == wanted, f"{name} -> {dependency}"


def _host_ip(port) -> str:
    if isinstance(port, dict):  # long syntax (Compose v2 renders this form)
        return port.get("host_ip", "")
    parts = str(port).split(":")  # "HOST_IP:HOST_PORT:CONTAINER_PORT[/proto]"
    return parts[0] if len(parts) == 3 else ""


def test_published_ports_bind_loopback_by_default(services):
    published = [(name, p) for name, s in services.items() for p in s.get("ports", [])]
    assert published
    for name, port in published:
        assert _host_ip(port) == "127.0.0.1", f"{name} publishes {port} beyond loopback"


def test_images_follow_settings_versions(services):
    es, kafka = ElasticsearchSettings().version, KafkaSettings().version
    assert services["elasticsearch"]["image"] == f"docker.elastic.co/elasticsearch/elasticsearch:{es}"
    assert services["kibana"]["image"] == f"docker.elastic.co/kibana/kibana:{es}"
    assert services["kafka"]["image"] == services["kafka-init"]["image"] == f"apache/kafka:{kafka}"
    # Executors must run the driver's Spark: the cluster's minor version is pyspark's.
    pyspark_minor = version("pyspark").split(".")[:2]
    for name in ("spark-master", "spark-worker"):
        image, _, tag = services[name]["image"].partition(":")
        assert image == "apache/spark" and tag.split(".")[:2] == pyspark_minor, services[name]["image"]


def test_kafka_single_broker_supports_transactions(services):
    env = services["kafka"]["environment"]
    for key in ("OFFSETS_TOPIC_REPLICATION_FACTOR", "TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "TRANSACTION_STATE_LOG_MIN_ISR"):
        assert str(env[f"KAFKA_{key}"]) == "1", key


def test_dotenv_values_reach_the_services(tmp_path):
    rendered = render(tmp_path, "FRAUD_KAFKA_PORT=19092\nFRAUD_ES_VERSION=9.9.9\nFRAUD_POSTGRES_PASSWORD=s3cret\n")
    services = rendered["services"]
    assert "127.0.0.1:19092:9092" in str(services["kafka"]["ports"][0])
    assert services["kibana"]["image"].endswith(":9.9.9")
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "s3cret"
    assert services["dagster-daemon"]["environment"]["FRAUD_POSTGRES_PASSWORD"] == "s3cret"


# The file as written (parsed, so comments are left out): what interpolation would hide.

RAW = yaml.safe_load(COMPOSE_FILE.read_text())
SETTING_DEFAULTS = {doc.env: doc for doc in iter_setting_docs()}


def strings(node) -> list[str]:
    """Every key and scalar of the parsed file, as text."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in strings(k) + strings(v)]
    if isinstance(node, list):
        return [s for item in node for s in strings(item)]
    return [] if node is None else [str(node)]


TEXTS = strings(RAW)


def test_every_variable_is_a_setting_with_its_settings_default():
    references = [r for text in TEXTS for r in REFERENCE.findall(text)]
    assert references
    for name, default in references:
        assert name in SETTING_DEFAULTS, f"${{{name}}} is not declared in fraud_platform/settings.py"
        expected = str(SETTING_DEFAULTS[name].default)
        assert default == expected, f"${{{name}:-{default}}} but settings.py defaults to {expected!r}"


def test_no_literal_secrets():
    without_references = [REFERENCE.sub("", text) for text in TEXTS]
    for doc in SETTING_DEFAULTS.values():
        if doc.secret and doc.default:
            assert not [t for t in without_references if str(doc.default) in t], f"literal {doc.env} value"
    for name, service in RAW["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_KEY_NAME.search(key):
                assert REFERENCE.fullmatch(str(value)), f"{name}: {key} must be a ${{FRAUD_...:-default}} reference"
