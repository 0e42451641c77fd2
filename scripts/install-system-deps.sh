#!/usr/bin/env bash
# Install, from Debian's packages, only the system tools that are missing:
# Java 17+ and Maven (Kafka, Elasticsearch), Go (builds the local S3 server), cargo (the validator's
# native fast path), the PostgreSQL server, and docker-compose (validates docker-compose.yml
# without a Docker engine).
set -euo pipefail

missing=()
need() { # need <command-or-path> <debian-package>
    if [[ "$1" == /* ]]; then compgen -G "$1" >/dev/null || missing+=("$2")
    else command -v "$1" >/dev/null || missing+=("$2"); fi
}
need java openjdk-17-jdk-headless
need mvn maven
need go golang-go
# cargo from rustup (~/.cargo/bin) counts too: it builds the validator's native fast path.
[[ -x "$HOME/.cargo/bin/cargo" ]] || need cargo cargo
need '/usr/lib/postgresql/*/bin/postgres' postgresql
need docker-compose docker-compose
need useradd passwd

if ((${#missing[@]} == 0)); then
    exit 0
fi
echo "installing system packages: ${missing[*]}"
sudo=""
[[ "$(id -u)" == 0 ]] || sudo="sudo"
$sudo apt-get update -qq
# --no-install-recommends: docker-compose would otherwise pull in a whole Docker engine.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
