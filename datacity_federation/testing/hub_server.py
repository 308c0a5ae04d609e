"""A real hub on 127.0.0.1 for tests: in a thread (fast) or in a child process (can be killed).

Both bind a free port on the loopback interface only and wait until the server answers.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datacity_federation._services.hub_site import SiteSettings

__all__ = ["HubProcess", "free_port", "hub_in_thread", "hub_process"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, timeout: float = 20.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the hub on port {port} did not start")


@contextmanager
def hub_in_thread(
    db_url: str,
    *,
    network: str = "c40-datacity",
    port: int | None = None,
    rate: float | None = None,
    burst: int | None = None,
    site: SiteSettings | None = None,
) -> Iterator[str]:
    """Serve the hub on ``db_url`` with uvicorn in a thread; yield its base URL. ``rate`` and
    ``burst`` set the per-token push limit (default: the hub's); ``site``: what its read-only
    site shows (default: every city at the hub, the shipped catalogues)."""
    import uvicorn

    from datacity_federation._services.hub_site import create_hub_app
    from datacity_federation._sync.hub_limits import DEFAULT_BURST, DEFAULT_RATE

    port = port or free_port()
    app = create_hub_app(
        db_url,
        site=site,
        network=network,
        rate=DEFAULT_RATE if rate is None else rate,
        burst=DEFAULT_BURST if burst is None else burst,
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class HubProcess:
    """``datacity hub serve`` in a child process, which a test may stop and start again."""

    db_url: str
    port: int
    workers: int = 1
    network: str = "c40-datacity"
    args: tuple[str, ...] = ()
    """More ``hub serve`` options (``--proxy-headers``...)."""
    log: Path | None = None
    """A file that receives the server's stderr (its JSON access log), appended to."""
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None
    limits: tuple[float, int] | None = None
    """``(rate, burst)`` of the per-token push limit (default: the hub's)."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "datacity_federation",
            "hub",
            "serve",
            "--db",
            self.db_url,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--network",
            self.network,
            *self.args,
        ]
        if self.limits is not None:
            cmd += ["--rate", str(self.limits[0]), "--burst", str(self.limits[1])]
        stderr = self.log.open("ab") if self.log is not None else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env={**os.environ, **(self.env or {})},
            )
        finally:
            if self.log is not None:
                stderr.close()  # type: ignore[union-attr]
        try:
            # Several workers on a busy machine start slowly (each imports the whole stack).
            _wait(self.port, timeout=max(60.0, 30.0 * self.workers))
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@contextmanager
def hub_process(
    db_url: str,
    *,
    workers: int = 1,
    args: tuple[str, ...] = (),
    log: Path | None = None,
    env: dict[str, str] | None = None,
    limits: tuple[float, int] | None = None,
) -> Iterator[HubProcess]:
    hub = HubProcess(db_url, free_port(), workers, args=args, log=log, env=env, limits=limits)
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()
