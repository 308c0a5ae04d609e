"""Backups as bundles: export a hub, rebuild it on SQLite and PostgreSQL, compare row by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ops_helpers import CITIES, KEYS, NETWORK, fill, push, register, snapshot

from datacity_federation._sync.hub_export import export_hub, rebuild_hub
from datacity_federation._sync.hub_ingest import hash_token, ingest
from datacity_federation._sync.hub_store import hub_engine
from datacity_federation.errors import DatacityError
from datacity_federation.testing import RunCli

pytestmark = pytest.mark.integration

TOKEN_HASH = frozenset({("hub_city", "token_hash")})


def _round_trip(source: str, target: str, folder: Path, *, token_hashes: bool) -> None:
    src = hub_engine(source)
    dst = hub_engine(target)
    try:
        export_hub(src, folder, token_hashes=token_hashes)
        report = rebuild_hub(dst, folder)
        skip = frozenset() if token_hashes else TOKEN_HASH
        assert snapshot(dst, skip=skip) == snapshot(src, skip=skip)
        assert report.bundles == 15
        assert sorted(report.new_tokens) == ([] if token_hashes else sorted(CITIES))
    finally:
        src.dispose()
        dst.dispose()


def test_rebuild_onto_fresh_sqlite_gives_the_same_rows(tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    fill(source)
    _round_trip(source, str(tmp_path / "rebuilt.db"), tmp_path / "export", token_hashes=True)


@pytest.mark.postgres
def test_rebuild_sqlite_export_onto_postgresql_gives_the_same_rows(
    tmp_path: Path, pg_url: str
) -> None:
    source = str(tmp_path / "source.db")
    fill(source)
    _round_trip(source, pg_url, tmp_path / "export", token_hashes=False)


@pytest.mark.postgres
def test_rebuild_postgresql_export_onto_sqlite_gives_the_same_rows(
    tmp_path: Path, pg_url: str
) -> None:
    fill(pg_url)
    _round_trip(pg_url, str(tmp_path / "rebuilt.db"), tmp_path / "export", token_hashes=True)


def test_export_holds_no_token_hash_unless_asked(tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    tokens, _ = fill(source)
    engine = hub_engine(source)
    try:
        export_hub(engine, tmp_path / "plain")
        export_hub(engine, tmp_path / "with", token_hashes=True)
    finally:
        engine.dispose()
    hashes = {hash_token(t) for t in tokens.values()}
    plain = b"".join(p.read_bytes() for p in (tmp_path / "plain").rglob("*.json"))
    assert [h for h in hashes if h.encode() in plain] == []
    registry = json.loads((tmp_path / "with" / "cities.json").read_text())
    assert {c["token_hash"] for c in registry} == hashes


def test_export_is_a_plain_folder_of_the_original_bundles(tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    _, chains = fill(source)
    engine = hub_engine(source)
    try:
        first = export_hub(engine, tmp_path / "export")
        again = export_hub(engine, tmp_path / "export")
    finally:
        engine.dispose()
    stored = sorted(p.read_bytes() for p in (tmp_path / "export" / "bundles").rglob("*.zip"))
    assert stored == sorted(b for chain in chains.bundles.values() for b in chain)
    assert (first.written, again.written, again.bundles) == (15, 0, 15)
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert [e["cursor"] for e in manifest["feed"]] == list(range(1, 16))


def test_rebuilt_hub_takes_pushes_with_the_old_tokens(tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    tokens, chains = fill(source)
    engine = hub_engine(source)
    export_hub(engine, tmp_path / "export", token_hashes=True)
    engine.dispose()
    rebuilt = hub_engine(str(tmp_path / "rebuilt.db"))
    try:
        rebuild_hub(rebuilt, tmp_path / "export")
        assert push(rebuilt, tokens, "paris", chains.next("paris", 4)) == 201
    finally:
        rebuilt.dispose()


def _exported(tmp_path: Path) -> Path:
    source = str(tmp_path / "source.db")
    fill(source)
    engine = hub_engine(source)
    export_hub(engine, tmp_path / "export")
    engine.dispose()
    return tmp_path / "export"


def _tables(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = hub_engine(url)
    try:
        return snapshot(engine)
    finally:
        engine.dispose()


def test_rebuild_refuses_a_tampered_bundle_file_before_replaying_it(tmp_path: Path) -> None:
    folder = _exported(tmp_path)
    victim = sorted((folder / "bundles" / "paris").glob("*.zip"))[1]
    data = bytearray(victim.read_bytes())
    data[100] ^= 0xFF
    victim.write_bytes(bytes(data))
    engine = hub_engine(str(tmp_path / "rebuilt.db"))
    try:
        with pytest.raises(DatacityError, match=r"does not match its sha256 in manifest.json"):
            rebuild_hub(engine, folder)
    finally:
        engine.dispose()


def test_rebuild_refuses_a_bundle_whose_signature_does_not_verify(tmp_path: Path) -> None:
    folder = _exported(tmp_path)
    # Replace a bundle and its recorded hash consistently: only the signature can tell.
    manifest = json.loads((folder / "manifest.json").read_text())
    entry = next(e for e in manifest["feed"] if e["city"] == "barcelona")
    from datacity_federation._sync.hub_export import _sha
    from datacity_federation.testing.releases import sample_bundle, sample_facts

    forged, _, _ = sample_bundle(sample_facts("barcelona", "s1"), key=KEYS["paris"])
    (folder / entry["file"]).write_bytes(forged)
    entry["sha256"] = _sha(forged)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    engine = hub_engine(str(tmp_path / "rebuilt.db"))
    try:
        with pytest.raises(DatacityError, match="refused by the hub's checks: bad_signature"):
            rebuild_hub(engine, folder)
    finally:
        engine.dispose()


def test_rebuild_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    folder = _exported(tmp_path)
    url = str(tmp_path / "busy.db")
    engine = hub_engine(url)
    register(engine, ("paris",))
    before = snapshot(engine)
    try:
        with pytest.raises(DatacityError, match="not empty"):
            rebuild_hub(engine, folder)
        assert snapshot(engine) == before
    finally:
        engine.dispose()


def test_rebuild_refuses_a_folder_without_manifest(tmp_path: Path) -> None:
    engine = hub_engine(str(tmp_path / "rebuilt.db"))
    try:
        with pytest.raises(DatacityError, match=r"no manifest\.json"):
            rebuild_hub(engine, tmp_path)
    finally:
        engine.dispose()


def test_cli_export_then_rebuild_writes_new_tokens_0600(tmp_path: Path, run_cli: RunCli) -> None:
    source = str(tmp_path / "source.db")
    fill(source)
    out = run_cli("hub", "export", str(tmp_path / "export"), "--db", source)
    assert out.code == 0, out.err
    assert "15 bundle(s) of 4 cities" in out.out
    refused = run_cli("hub", "rebuild", str(tmp_path / "export"), "--db", str(tmp_path / "r.db"))
    assert refused.code == 1
    assert "--tokens-out" in refused.err
    assert not (tmp_path / "r.db").exists()
    tokens = tmp_path / "tokens.txt"
    done = run_cli(
        "hub", "rebuild", str(tmp_path / "export"), "--db", str(tmp_path / "r.db"),
        "--tokens-out", str(tokens),
    )  # fmt: skip
    assert done.code == 0, done.err
    assert "replayed 15 bundle(s)" in done.out
    assert tokens.stat().st_mode & 0o777 == 0o600
    lines = dict(line.split() for line in tokens.read_text().splitlines())
    assert sorted(lines) == sorted(CITIES)
    engine = hub_engine(str(tmp_path / "r.db"))
    try:
        _, chains = fill(str(tmp_path / "other.db"))
        got = ingest(engine, city="paris", token=lines["paris"], body=chains.next("paris", 4))
        assert got.status == 201
    finally:
        engine.dispose()
    assert NETWORK in done.out


def test_cli_export_refuses_a_missing_or_foreign_database(tmp_path: Path, run_cli: RunCli) -> None:
    missing = run_cli("hub", "export", str(tmp_path / "out"), "--db", str(tmp_path / "no.db"))
    assert (missing.code, missing.err.strip()) == (
        1,
        f"datacity: error: hub database {tmp_path / 'no.db'}: no such file",
    )
    foreign = tmp_path / "foreign.db"
    import sqlite3

    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    got = run_cli("hub", "export", str(tmp_path / "out"), "--db", str(foreign))
    assert got.code == 1
    assert "cannot read a hub in this database" in got.err


def test_rebuild_refuses_a_registry_whose_fingerprint_is_not_its_key(tmp_path: Path) -> None:
    folder = _exported(tmp_path)
    registry = json.loads((folder / "cities.json").read_text())
    registry[0]["keys"][0]["public_key"] = registry[1]["keys"][0]["public_key"]
    data = json.dumps(registry).encode()
    (folder / "cities.json").write_bytes(data)
    manifest = json.loads((folder / "manifest.json").read_text())
    from datacity_federation._sync.hub_export import _sha

    manifest["cities_file"]["sha256"] = _sha(data)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    engine = hub_engine(str(tmp_path / "rebuilt.db"))
    try:
        with pytest.raises(DatacityError, match="is not the fingerprint of the key it lists"):
            rebuild_hub(engine, folder)
    finally:
        engine.dispose()
