"""Checks for the tools each service needs, each failing with the fix in its message."""

from __future__ import annotations

import shutil
from pathlib import Path

from fraud_platform.stack.errors import PrerequisiteError

APT_HINT = "apt-get update && apt-get install -y"


def require_executable(name: str, fix: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PrerequisiteError(f"'{name}' was not found on PATH; {fix}")
    return path


def require_java_home(java_home: str, minimum: int, variable: str) -> Path:
    java = Path(java_home) / "bin" / "java" if java_home else None
    if java is None or not java.is_file():
        raise PrerequisiteError(
            f"no Java {minimum}+ found (looked for {java or '<unset>'}); install one "
            f"({APT_HINT} openjdk-{minimum}-jdk-headless) or set {variable} to a JDK {minimum}+ directory"
        )
    release = Path(java_home) / "release"
    if release.is_file():
        for line in release.read_text().splitlines():
            if line.startswith("JAVA_VERSION="):
                major = int(line.split("=", 1)[1].strip('"').split(".")[0])
                if major < minimum:
                    raise PrerequisiteError(
                        f"{variable}={java_home} is Java {major}; Java {minimum}+ is needed, set {variable} to one"
                    )
    return java


def require_postgres_bin(bin_dir: str) -> Path:
    directory = Path(bin_dir) if bin_dir else None
    if directory is None or not (directory / "postgres").is_file() or not (directory / "initdb").is_file():
        raise PrerequisiteError(
            f"PostgreSQL server binaries not found (looked in {directory or '<unset>'}); "
            f"run '{APT_HINT} postgresql' or set FRAUD_POSTGRES_BIN_DIR to the directory holding initdb and postgres"
        )
    return directory
