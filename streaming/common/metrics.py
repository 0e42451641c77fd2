"""Counters and gauges in Prometheus text format, served by a small http.server thread.

prometheus_client is not a dependency; the exposition format needs only a few lines.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Labels = tuple[tuple[str, str], ...]


class Metrics:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._lock = threading.Lock()
        self._kinds: dict[str, tuple[str, str]] = {}
        self._values: dict[str, dict[Labels, float]] = defaultdict(dict)

    def declare(self, name: str, kind: str, help: str) -> None:
        self._kinds[name] = (kind, help)

    def inc(self, name: str, amount: float = 1, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._values[name]
            series[key] = series.get(key, 0) + amount

    def set(self, name: str, value: float, **labels: str) -> None:
        with self._lock:
            self._values[name][tuple(sorted(labels.items()))] = value

    def clear(self, name: str) -> None:
        with self._lock:
            self._values[name].clear()

    def value(self, name: str, **labels: str) -> float:
        with self._lock:
            return self._values[name].get(tuple(sorted(labels.items())), 0)

    def total(self, name: str) -> float:
        with self._lock:
            return sum(self._values[name].values())

    def render(self) -> str:
        lines = []
        with self._lock:
            for name, (kind, help) in self._kinds.items():
                full = f"{self.namespace}_{name}"
                lines += [f"# HELP {full} {help}", f"# TYPE {full} {kind}"]
                for labels, value in sorted(self._values[name].items()):
                    rendered = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
                    lines.append(f"{full}{{{rendered}}} {value:g}" if rendered else f"{full} {value:g}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def serve_metrics(metrics: Metrics, host: str, port: int) -> ThreadingHTTPServer | None:
    """Serve GET /metrics on a daemon thread; port 0 picks a free port, -1 disables."""
    if port < 0:
        return None

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = metrics.render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # scrapes are not worth a log line
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
