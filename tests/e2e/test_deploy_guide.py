"""docs/deploy.md, run: its SQL, every command of its ``sh`` blocks in order and both systemd
units, against a real PostgreSQL and real hub processes on 127.0.0.1 (ports and folders of this
machine substituted for the guide's)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from datacity_federation._sync.hub_store import hub_engine
from datacity_federation._sync.keys import fingerprint, load_private_key, load_public_key
from datacity_federation.testing.hub_server import free_port
from datacity_federation.testing.postgres import PostgresServer
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
DATACITY = str(Path(sys.executable).with_name("datacity"))


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def _guide(pg: PostgresServer, tmp: Path, port: int) -> str:
    """The guide with this machine's PostgreSQL, folders, port and program."""
    text = GUIDE.read_text(encoding="utf-8")
    for old, new in {
        "127.0.0.1:5432": f"{pg.host}:{pg.port}",
        "/var/backups/datacity-hub": str(tmp / "backups"),
        "/run/datacity-hub/metrics": str(tmp / "metrics"),
        "/opt/datacity/bin/datacity": DATACITY,
        "8700": str(port),
    }.items():
        text = text.replace(old, new)
    return text


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the hub exited"
        try:
            if httpx.get(url + "/api/v1/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never became ready")


def _stop(process: subprocess.Popen[bytes], timeout: float = 45.0) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


class Shell:
    """Runs the guide's lines one by one in ``cwd`` with the variables its ``export`` lines set."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.env = {**os.environ, "PATH": f"{Path(DATACITY).parent}:{os.environ['PATH']}"}
        self.server: subprocess.Popen[bytes] | None = None
        self.ran: list[str] = []

    def run(self, line: str) -> str:
        self.ran.append(line)
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            self.env[name] = value
            return ""
        if line.startswith("datacity hub serve"):
            with (self.cwd / "serve.log").open("ab") as log:
                self.server = subprocess.Popen(
                    ["bash", "-c", f"exec {line}"],
                    cwd=self.cwd,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            _wait_ready(f"http://127.0.0.1:{self.env['HUB_PORT']}", self.server)
            return ""
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", line],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    sh = Shell(tmp_path)
    try:
        yield sh
    finally:
        if sh.server is not None and sh.server.poll() is None:
            sh.server.kill()
            sh.server.wait()


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    from sqlalchemy import select

    from datacity_federation._sync.hub_store import HUB_METADATA

    engine = hub_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: sorted(
                    (
                        tuple(r)
                        for r in conn.execute(
                            select(*[c for c in t.columns if c.name != "token_hash"])
                        )
                    ),
                    key=repr,
                )
                for name, t in HUB_METADATA.tables.items()
            }
    finally:
        engine.dispose()


def _push_sample_season(shell: Shell, token: str, seasons: int) -> None:
    key = load_private_key(path=shell.cwd / "keys" / "paris.key")
    prev = None
    base = f"http://127.0.0.1:{shell.env['HUB_PORT']}"
    for n in range(1, seasons + 1):
        data, manifest, _ = sample_bundle(
            sample_facts(
                "paris", f"s{n}", number=n, start=sample_facts().start.replace(year=2014 + n)
            ),
            key=key,
            seq=n,
            prev=prev,
        )
        prev = manifest.bundle_id
        r = httpx.post(
            f"{base}/api/v1/cities/paris/bundles",
            content=data,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert r.status_code == 201, r.text


def _auth_status(shell: Shell, token: str) -> int:
    """The status of a push of a body that is no bundle: 401 when the token is refused (the
    token is settled before anything else), another refusal when it is accepted."""
    base = f"http://127.0.0.1:{shell.env['HUB_PORT']}"
    r = httpx.post(
        f"{base}/api/v1/cities/paris/bundles",
        content=b"not a bundle",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    return r.status_code


def test_deploy_guide_runs_as_written(pg_server: PostgresServer, shell: Shell) -> None:
    port = free_port()
    guide = _guide(pg_server, shell.cwd, port)
    with psycopg.connect(pg_server.url().replace("+psycopg", ""), autocommit=True) as conn:
        for statement in _blocks(guide, "sql")[0].split(";"):
            if statement.strip():
                conn.execute(statement)
    lines = [
        line.strip()
        for block in _blocks(guide, "sh")
        for line in block.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert all(line.startswith(("export ", "datacity ", "curl ")) for line in lines)
    token = ""
    for line in lines:
        if line.startswith("datacity hub rotate-key"):
            old = load_public_key(shell.cwd / "keys" / "paris.pub")
            shell.env["OLD_FINGERPRINT"] = shell.env["PARIS_FINGERPRINT"] = fingerprint(old)
        if line.startswith("datacity hub export"):
            _push_sample_season(shell, token, 3)  # something to back up
        out = shell.run(line)
        if line.startswith("datacity hub add-city"):
            token = out.rsplit(": ", 1)[1].strip()
        if line.startswith("datacity hub rebuild"):
            assert "replayed 3 bundle(s)" in out
            assert _rows(shell.env["RESTORE_DB"]) == _rows(shell.env["DATACITY_HUB_DB"])
            assert (shell.cwd / "new-tokens.txt").stat().st_mode & 0o777 == 0o600
        if line.startswith("datacity hub rotate-token"):
            new = out.rsplit(": ", 1)[1].strip()
            assert new and new != token
            assert _auth_status(shell, token) == 401  # the old token stops at once
            assert _auth_status(shell, new) != 401  # the new one is accepted (the body is not)
            token = new
        if line.startswith("datacity hub revoke-token"):
            assert _auth_status(shell, token) == 401
        if line.startswith("datacity hub mirror"):
            assert "3 new bundle(s)" in out
        if "metrics" in line:
            assert "datacity_hub_bundles" in out
    assert shell.server is not None
    assert _stop(shell.server) in (0, -signal.SIGTERM)
    assert any(line.startswith("datacity hub serve") for line in shell.ran)
    log = [
        json.loads(x)
        for x in (shell.cwd / "serve.log").read_text().splitlines()
        if x.startswith("{")
    ]
    pushes = [x["outcome"] for x in log if x["route"].endswith("/bundles")]
    assert pushes.count("stored") == 3
    # The token checks of section 7: refused tokens, and the accepted one's non-bundle body.
    assert set(pushes) == {"stored", "unauthorized", "bad_zip"}


def _unit(guide: str, index: int) -> dict[str, list[str]]:
    unit: dict[str, list[str]] = {}
    for line in _blocks(guide, "ini")[index].splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.startswith("["):
            unit.setdefault(name.strip(), []).append(value.strip())
    return unit


def _unit_env(unit: dict[str, list[str]], db_url: str) -> dict[str, str]:
    """The unit's environment, on a database of its own."""
    env = dict(os.environ)
    for item in unit.get("Environment", []):
        name, _, value = item.partition("=")
        env[name] = value
    env["DATACITY_HUB_DB"] = db_url
    return env


def test_deploy_guide_systemd_units_start_stop_and_back_up(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    port = free_port()
    guide = _guide(pg_server, tmp_path, port)
    url = pg_server.create_database("datacity_hub_unit")
    service = _unit(guide, 0)
    env = _unit_env(service, url)
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_stale.db").write_bytes(b"")  # a past run's leftovers
    hub = subprocess.Popen(
        shlex.split(service["ExecStart"][0]),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(f"http://127.0.0.1:{port}", hub)
        assert "datacity_hub_requests_total" in httpx.get(f"http://127.0.0.1:{port}/metrics").text
        assert not (tmp_path / "metrics" / "counter_stale.db").exists()
    finally:
        code = _stop(hub, timeout=float(service["TimeoutStopSec"][0]))
    assert code in (0, -signal.SIGTERM)  # systemd counts an exit on SIGTERM as clean
    backup = _unit(guide, 1)
    env = _unit_env(backup, url)
    command = backup["ExecStart"][0].replace("%%", "%")
    done = subprocess.run(
        shlex.split(command), env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    folders = list((tmp_path / "backups").iterdir())
    assert [f.name for f in folders] == [time.strftime("%Y-%m-%d")]
    assert (folders[0] / "manifest.json").is_file()
    shutil.rmtree(tmp_path / "backups")


def test_deploy_guide_nginx_site_matches_what_the_hub_trusts_and_accepts() -> None:
    from datacity_federation._sync.bundle import MAX_BUNDLE_BYTES

    text = GUIDE.read_text(encoding="utf-8")
    site = _blocks(text, "nginx")[0]
    headers = set(re.findall(r"proxy_set_header (\S+)", site))
    assert {"X-Forwarded-For", "X-Forwarded-Proto"} <= headers  # what --proxy-headers reads
    size = re.search(r"client_max_body_size (\d+)m;", site)
    assert size is not None and int(size.group(1)) * 1024 * 1024 > MAX_BUNDLE_BYTES
    serve = _unit(text, 0)["ExecStart"][0]
    ports = set(re.findall(r"proxy_pass http://127\.0\.0\.1:(\d+);", site))
    assert ports == {re.search(r"--port (\d+)", serve).group(1)}  # type: ignore[union-attr]
    assert "--proxy-headers" in serve and "--forwarded-allow-ips 127.0.0.1" in serve
