"""`fraud-platform`: manage the local stack and the platform's settings."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from fraud_platform.demo import demo
from fraud_platform.settings import PROFILES, Settings, render_env_example
from fraud_platform.stack.errors import StackError


def _settings(profile: str | None) -> Settings:
    settings = Settings.from_env()
    if profile is not None:
        settings = Settings(**{**settings.__dict__, "profile": profile})
    return settings


def _manager(settings: Settings):
    from fraud_platform.stack.manager import StackManager
    from fraud_platform.stack.service import StackContext

    return StackManager(StackContext(settings, report=lambda line: click.echo(line, err=True)))


profile_option = click.option(
    "--profile", type=click.Choice(PROFILES), default=None,
    help="embedded = Kafka + Elasticsearch; services = everything. Default: FRAUD_PROFILE or embedded.",
)
service_option = click.option("--service", "services", multiple=True, help="Only this service (repeatable).")


@click.group()
def main() -> None:
    """Fraud detection platform: local stack and settings."""


@main.group()
def stack() -> None:
    """Run the platform's services as local processes on 127.0.0.1 (no Docker)."""


@stack.command()
@profile_option
@service_option
def up(profile: str | None, services: tuple[str, ...]) -> None:
    """Provision (first time) and start the services of a profile; idempotent."""
    settings = _settings(profile)
    started = time.monotonic()
    statuses = _manager(settings).up(settings.profile, services)
    click.echo(f"stack ({settings.profile}): {len(statuses)} services healthy in {time.monotonic() - started:.1f} s")


@stack.command()
@profile_option
@service_option
def down(profile: str | None, services: tuple[str, ...]) -> None:
    """Stop the services this stack started (all of them unless narrowed)."""
    stopped = _manager(_settings(profile)).down(profile, services)
    click.echo(f"stack: stopped {len(stopped)} services" if stopped else "stack: nothing was running")


@stack.command()
@profile_option
@service_option
def status(profile: str | None, services: tuple[str, ...]) -> None:
    """Show each service's state; exits 1 unless all are healthy."""
    settings = _settings(profile)
    statuses = _manager(settings).status(settings.profile, services)
    click.echo(f"{'service':<18} {'state':<10} {'pid':>8}  {'address':<24} log")
    for s in statuses:
        click.echo(f"{s.name:<18} {s.state:<10} {s.pid or '-':>8}  {s.address:<24} {s.log_path}")
    sys.exit(0 if all(s.state == "healthy" for s in statuses) else 1)


@stack.command()
@profile_option
@service_option
@click.option("-n", "--lines", default=40, show_default=True, help="Lines from the end of each log.")
def logs(profile: str | None, services: tuple[str, ...], lines: int) -> None:
    """Print the end of each service's log file."""
    from fraud_platform.stack.processes import tail

    settings = _settings(profile)
    manager = _manager(settings)
    for svc in manager.select(settings.profile, services):
        path = manager.ctx.log_path(svc.name)
        click.echo(f"==> {svc.name}: {path} <==")
        for line in tail(Path(path), lines):
            click.echo(line)


@stack.command()
@profile_option
def smoke(profile: str | None) -> None:
    """A real round trip through each service of the profile."""
    from fraud_platform.stack.smoke import CHECKS, PROFILE_CHECKS

    settings = _settings(profile)
    failures = 0
    for name in PROFILE_CHECKS[settings.profile]:
        started = time.monotonic()
        try:
            detail = CHECKS[name](settings)
            click.echo(f"ok    {name:<14} {detail} ({time.monotonic() - started:.1f} s)")
        except Exception as exc:  # report every service, then fail once
            failures += 1
            click.echo(f"FAIL  {name:<14} {type(exc).__name__}: {exc}")
    if failures:
        raise StackError(f"{failures} smoke check(s) failed; `fraud-platform stack status` shows which services run")


@main.group()
def settings() -> None:
    """Inspect the platform's settings."""


@settings.command("env-example")
@click.option("--check", type=click.Path(path_type=Path), help="Fail if this file differs from the generated text.")
def env_example(check: Path | None) -> None:
    """Print .env.example (every setting, its variable and embedded default)."""
    text = render_env_example()
    if check is None:
        click.echo(text, nl=False)
        return
    if not check.exists() or check.read_text() != text:
        raise StackError(f"{check} is out of date; regenerate it: fraud-platform settings env-example > {check}")


main.add_command(demo)


def run() -> None:
    """Entry point: user errors become one line on stderr and exit code 2, never a traceback."""
    try:
        main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.exit(130)
    except (StackError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    run()
