"""A private PostgreSQL cluster (initdb) from the Debian packages, run by an unprivileged user."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg2
from psycopg2 import sql

from fraud_platform.stack.errors import ServiceFailedError
from fraud_platform.stack.prerequisites import require_postgres_bin
from fraud_platform.stack.service import LaunchSpec, Port, Service


class Postgres(Service):
    name = "postgres"
    needs_service_user = True

    def ports(self) -> list[Port]:
        return [Port(self.settings.postgres.host, self.settings.postgres.port, "FRAUD_POSTGRES_PORT")]

    @property
    def bin_dir(self) -> Path:
        return Path(self.settings.stack.postgres_bin_dir)

    @property
    def data_dir(self) -> Path:
        return self.ctx.service_dir(self.name) / "data"

    @property
    def socket_dir(self) -> Path:
        return self.ctx.service_dir(self.name) / "socket"

    def check_prerequisites(self) -> None:
        require_postgres_bin(self.settings.stack.postgres_bin_dir)

    def prepare(self) -> None:
        service_dir = self.ctx.service_dir(self.name)
        service_dir.mkdir(parents=True, exist_ok=True)
        service_dir.chmod(0o755)
        self.socket_dir.mkdir(exist_ok=True)
        if (self.data_dir / "PG_VERSION").exists():
            return
        pg = self.settings.postgres
        pwfile = service_dir / ".pwfile"
        pwfile.write_text(pg.password + "\n")
        pwfile.chmod(0o600)
        self.ctx.chown_to_service_user(service_dir)
        self.ctx.report(f"postgres: initialising a private cluster in {self.data_dir}")
        result = subprocess.run(
            [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", pg.user, f"--pwfile={pwfile}",
             "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"],
            capture_output=True, text=True, user=self.ctx.service_user, cwd=service_dir,
        )
        pwfile.unlink()
        if result.returncode != 0:
            raise ServiceFailedError(f"postgres: initdb failed: {result.stderr.strip()[-300:]}")

    def launch_spec(self) -> LaunchSpec:
        pg = self.settings.postgres
        return LaunchSpec(
            argv=[str(self.bin_dir / "postgres"), "-D", str(self.data_dir), "-p", str(pg.port),
                  "-c", f"listen_addresses={pg.host}", "-c", f"unix_socket_directories={self.socket_dir}",
                  "-c", "max_connections=200", "-c", "fsync=on"],
            cwd=self.ctx.service_dir(self.name),
            as_service_user=True,
        )

    def connect(self, database: str = "postgres"):
        pg = self.settings.postgres
        return psycopg2.connect(host=pg.host, port=pg.port, user=pg.user, password=pg.password,
                                dbname=database, connect_timeout=3)

    def is_healthy(self) -> bool:
        try:
            with self.connect() as conn, conn.cursor() as cur:
                cur.execute("select 1")
                return cur.fetchone() == (1,)
        except psycopg2.Error:
            return False

    def after_healthy(self) -> None:
        pg = self.settings.postgres
        conn = self.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                for database in (pg.dagster_db, pg.mlflow_db):
                    cur.execute("select 1 from pg_database where datname = %s", (database,))
                    if cur.fetchone() is None:
                        cur.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
                        self.ctx.report(f"postgres: created database {database}")
        finally:
            conn.close()
