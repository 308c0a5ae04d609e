"""A throw-away PostgreSQL server for tests, from the server binaries Debian installs.

Rule header: the server listens on 127.0.0.1 on a free port, keeps its unix socket in its own
temporary folder, trusts local connections, and is stopped and deleted on exit. As root (where
``initdb`` refuses to run), the server runs as the ``postgres`` system user via ``runuser``.
Nothing here contacts anything but 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PostgresServer", "PostgresUnavailable", "find_pg_bin", "postgres_server"]


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the server would not start."""


def find_pg_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding ``initdb`` and ``pg_ctl``, if any."""
    found = []
    for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        if (initdb.parent / "pg_ctl").is_file():
            version = initdb.parent.parent.name
            found.append((int(version) if version.isdigit() else 0, initdb.parent))
    if found:
        return max(found)[1]
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PostgresServer:
    """A running server: ``url(database)`` gives a SQLAlchemy URL (psycopg 3)."""

    host: str
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its URL."""
        import psycopg

        dsn = f"host={self.host} port={self.port} user={self.user} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _run(cmd: list[str], as_user: str | None) -> subprocess.CompletedProcess[str]:
    if as_user is not None:
        cmd = ["runuser", "-u", as_user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a fresh cluster, yield it, stop and delete it."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found (apt-get install postgresql, "
            "or run scripts/test-services.sh)"
        )
    as_user: str | None = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root needs runuser to start PostgreSQL")
        as_user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="datacity-pg-"))
    data, sockets, log = root / "data", root / "sock", root / "server.log"
    sockets.mkdir()
    if as_user is not None:
        shutil.chown(root, user=as_user)
        shutil.chown(sockets, user=as_user)
    port = _free_port()
    started = False
    try:
        init = _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            as_user,
        )
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {init.stderr.strip() or init.stdout}")
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        start = _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "start",
            ],
            as_user,
        )
        if start.returncode != 0:
            detail = log.read_text(errors="replace") if log.exists() else start.stderr
            raise PostgresUnavailable(f"pg_ctl start failed: {detail.strip()[-2000:]}")
        started = True
        yield PostgresServer(host="127.0.0.1", port=port, user="postgres")
    finally:
        if started:
            _run(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], as_user
            )
        shutil.rmtree(root, ignore_errors=True)
