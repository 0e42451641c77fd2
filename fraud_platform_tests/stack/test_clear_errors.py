"""Missing prerequisites and occupied ports give one clear line with the fix, never a traceback."""

from __future__ import annotations

import os
import socket
import sys

import pytest


def assert_one_clear_line(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_occupied_port_names_the_owner_and_the_setting(isolated_stack):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = isolated_stack.cli("stack", "up", "--profile", "services", "--service", "s3",
                                    extra_env={"FRAUD_S3_PORT": str(port)})
    assert_one_clear_line(result, f"port {port}", f"pid {os.getpid()}", "FRAUD_S3_PORT")


def test_missing_postgres_binaries(isolated_stack):
    result = isolated_stack.cli("stack", "up", "--profile", "services", "--service", "postgres",
                                extra_env={"FRAUD_POSTGRES_BIN_DIR": "/nonexistent/bin"})
    assert_one_clear_line(result, "PostgreSQL server binaries not found", "apt-get install -y postgresql",
                          "FRAUD_POSTGRES_BIN_DIR")


def test_missing_java(isolated_stack):
    result = isolated_stack.cli("stack", "up", "--service", "kafka",
                                extra_env={"FRAUD_JAVA_HOME": "/nonexistent/jdk",
                                           "FRAUD_KAFKA_PORT": "1", "FRAUD_KAFKA_CONTROLLER_PORT": "2"})
    assert_one_clear_line(result, "no Java 17+", "FRAUD_JAVA_HOME")


def test_missing_maven_when_cache_is_cold(isolated_stack, tmp_path):
    # An empty cache means the jars must be fetched, and PATH holds no mvn.
    result = isolated_stack.cli("stack", "up", "--service", "kafka",
                                extra_env={"FRAUD_STACK_CACHE_DIR": str(tmp_path / "cache"),
                                           "PATH": os.path.dirname(sys.executable),
                                           "FRAUD_KAFKA_PORT": "1", "FRAUD_KAFKA_CONTROLLER_PORT": "2"})
    assert_one_clear_line(result, "'mvn' was not found", "apt-get install -y maven")


def test_missing_go_when_cache_is_cold(isolated_stack, tmp_path):
    result = isolated_stack.cli("stack", "up", "--profile", "services", "--service", "s3",
                                extra_env={"FRAUD_STACK_CACHE_DIR": str(tmp_path / "cache"),
                                           "PATH": os.path.dirname(sys.executable)})
    assert_one_clear_line(result, "'go' was not found", "apt-get install -y golang")


@pytest.mark.parametrize(("variable", "value", "fragment"), [
    ("FRAUD_PROFILE", "cloudy", "FRAUD_PROFILE='cloudy' is unknown"),
    ("FRAUD_KAFKA_PORT", "ninety", "FRAUD_KAFKA_PORT='ninety' is not an integer"),
])
def test_bad_setting(isolated_stack, variable, value, fragment):
    result = isolated_stack.cli("stack", "status", extra_env={variable: value})
    assert_one_clear_line(result, fragment)
