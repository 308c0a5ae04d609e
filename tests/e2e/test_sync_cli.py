"""The sync commands through the CLI: outputs, and every bad input as one clean line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from datacity_federation.testing import RunCli
from datacity_federation.testing.hub_server import hub_in_thread
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.e2e


def test_keys_generate_writes_a_0600_key_and_prints_the_fingerprint(
    run_cli: RunCli, workdir: Path
) -> None:
    got = run_cli("keys", "generate", "paris")
    assert got.code == 0
    assert "fingerprint sha256:" in got.out
    assert stat.S_IMODE((workdir / "keys" / "paris.key").stat().st_mode) == 0o600
    again = run_cli("keys", "generate", "paris")
    assert again.code == 1
    assert "already exists (use --force" in again.err


def test_release_verify_accepts_and_refuses(run_cli: RunCli, workdir: Path) -> None:
    from datacity_federation._sync.keys import load_private_key

    run_cli("keys", "generate", "paris")
    run_cli("keys", "generate", "other")
    data, manifest, _ = sample_bundle(
        sample_facts(), key=load_private_key(path=workdir / "keys" / "paris.key")
    )
    (workdir / "b.zip").write_bytes(data)
    ok = run_cli("release", "verify", "b.zip", "--public-key", "keys/paris.pub")
    assert ok.code == 0
    assert manifest.bundle_id in ok.out
    bad = run_cli("release", "verify", "b.zip", "--public-key", "keys/other.pub")
    assert bad.code == 1
    assert bad.err.strip().startswith("datacity: error: bad_signature: keyid sha256:")
    assert bad.err.strip().endswith(" names none of the city's active keys")
    missing = run_cli("release", "verify", "nope.zip", "--public-key", "keys/paris.pub")
    assert (missing.code, missing.err.strip()) == (1, "datacity: error: nope.zip: no such file")


def test_release_build_prints_the_summary_in_the_city_language(
    run_cli: RunCli, city_db: Path
) -> None:
    got = run_cli(
        "release", "build", "paris", "--season", "s1", "--db", str(city_db), "--today", "2026-01-01"
    )
    assert got.code == 0, got.err
    assert got.out.startswith("Publication de Paris, saison s1 (règles : default v2)")
    assert "cellules publiées" in got.out
    english = run_cli(
        "release",
        "build",
        "paris",
        "--season",
        "s1",
        "--db",
        str(city_db),
        "--today",
        "2026-01-01",
        "--lang",
        "en",
    )
    assert english.out.startswith("Release of Paris, season s1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("release", "build", "paris", "--season", "s9", "--today", "2026-01-01"),
            "city paris has no season 's9' (known: s1, s2, s3)",
        ),
        (
            ("release", "build", "paris", "--season", "s3", "--today", "2018-01-01"),
            "season s3 of paris ends 2018-08-31: only closed seasons are released",
        ),
        (
            ("release", "build", "paris", "--season", "s1", "--today", "soon"),
            "--today: not a date 'soon' (use YYYY-MM-DD)",
        ),
        (
            ("release", "build", "atlantis", "--season", "s1"),
            "no city 'atlantis' in cities (known: bangalore, barcelona, paris, singapore)",
        ),
    ],
)
def test_release_build_bad_input_is_one_clean_line(
    run_cli: RunCli, city_db: Path, args: tuple[str, ...], message: str
) -> None:
    got = run_cli(*args, "--db", str(city_db))
    assert (got.code, got.err.strip()) == (1, f"datacity: error: {message}")


def test_sync_without_key_or_token_is_refused(
    run_cli: RunCli, city_db: Path, workdir: Path
) -> None:
    got = run_cli("sync", "paris", "--hub", "http://127.0.0.1:9", "--db", str(city_db))
    assert got.code == 1
    assert "keys/paris.key: no such key file (create one with `datacity keys generate`)" in got.err
    run_cli("keys", "generate", "paris")
    got = run_cli("sync", "paris", "--hub", "http://127.0.0.1:9", "--db", str(city_db))
    assert (
        got.err.strip()
        == "datacity: error: no hub token: give --token-file FILE or set $DATACITY_HUB_TOKEN"
    )


def test_sync_refuses_a_key_readable_by_others(
    run_cli: RunCli, city_db: Path, workdir: Path
) -> None:
    run_cli("keys", "generate", "paris")
    os.chmod(workdir / "keys" / "paris.key", 0o644)  # noqa: PTH101
    got = run_cli("sync", "paris", "--hub", "http://127.0.0.1:9", "--db", str(city_db))
    assert "private key readable by others; run chmod 600" in got.err


def test_hub_commands_register_rotate_revoke_and_feed(run_cli: RunCli, workdir: Path) -> None:
    run_cli("keys", "generate", "paris")
    run_cli("keys", "generate", "paris2", "--out", "new")
    added = run_cli("hub", "add-city", "paris", "--public-key", "keys/paris.pub", "--db", "hub.db")
    assert added.code == 0
    assert "token (shown once, give it to paris): dch_" in added.out
    token = added.out.split(": ")[-1].strip()
    assert token not in (workdir / "hub.db").read_bytes().decode("latin-1")
    again = run_cli("hub", "add-city", "paris", "--public-key", "keys/paris.pub", "--db", "hub.db")
    assert (
        again.err.strip() == "datacity: error: city 'paris' is already registered (use rotate-key)"
    )
    rotated = run_cli(
        "hub", "rotate-key", "paris", "--public-key", "new/paris2.pub", "--db", "hub.db"
    )
    assert rotated.code == 0
    third = run_cli(
        "hub", "rotate-key", "paris", "--public-key", "keys/paris.pub", "--db", "hub.db"
    )
    assert "is already registered" in third.err
    fp = rotated.out.split()[2]
    assert run_cli("hub", "revoke-key", "paris", "--fingerprint", fp, "--db", "hub.db").code == 0
    unknown = run_cli("hub", "revoke-key", "paris", "--fingerprint", "sha256:00", "--db", "hub.db")
    assert unknown.err.strip() == "datacity: error: city 'paris' has no key sha256:00"
    assert run_cli("hub", "feed", "--db", "hub.db").out.strip() == "feed is empty"
    bad = run_cli("hub", "add-city", "rome", "--public-key", "cities/paris.yaml", "--db", "hub.db")
    assert bad.code == 1
    assert "cities/paris.yaml: not a PEM public key" in bad.err


def test_hub_token_commands_rotate_revoke_and_audit(run_cli: RunCli, workdir: Path) -> None:
    run_cli("keys", "generate", "paris")
    added = run_cli("hub", "add-city", "paris", "--public-key", "keys/paris.pub", "--db", "hub.db")
    first = added.out.split(": ")[-1].strip()
    rotated = run_cli("hub", "rotate-token", "paris", "--db", "hub.db")
    assert rotated.code == 0
    assert rotated.out.startswith("new token of paris (shown once; the old one no longer works): ")
    second = rotated.out.split(": ")[-1].strip()
    assert second.startswith("dch_") and second != first
    stored = (workdir / "hub.db").read_bytes().decode("latin-1")
    assert first not in stored and second not in stored
    revoked = run_cli("hub", "revoke-token", "paris", "--db", "hub.db")
    assert revoked.out.strip() == (
        "revoked the token of paris; give it a new one with `datacity hub rotate-token`"
    )
    twice = run_cli("hub", "revoke-token", "paris", "--db", "hub.db")
    assert (twice.code, twice.err.strip()) == (
        1,
        "datacity: error: the token of 'paris' is already revoked",
    )
    unknown = run_cli("hub", "rotate-token", "rome", "--db", "hub.db")
    assert unknown.err.strip() == "datacity: error: unknown city 'rome' (use add-city)"
    audit = run_cli("hub", "audit", "paris", "--db", "hub.db").out.splitlines()
    assert [line.split()[3] for line in audit] == ["city_added", "token_rotated", "token_revoked"]


def test_sync_end_to_end_through_the_cli(run_cli: RunCli, city_db: Path, workdir: Path) -> None:
    run_cli("keys", "generate", "paris")
    added = run_cli("hub", "add-city", "paris", "--public-key", "keys/paris.pub", "--db", "hub.db")
    (workdir / "token").write_text(added.out.split(": ")[-1].strip())
    with hub_in_thread(str(workdir / "hub.db")) as base:
        args = (
            "--hub",
            base,
            "--db",
            str(city_db),
            "--token-file",
            "token",
            "--today",
            "2026-01-01",
        )
        first = run_cli("sync", "paris", *args)
        assert first.code == 0, first.err
        assert first.out.count("pushed  paris seq") == 3
        assert run_cli("sync", "paris", *args).out.strip() == "paris: nothing to send"
        pulled = run_cli("sync", "pull", "--hub", base, "--keys", "keys", "--out", "pulled")
        assert pulled.out.strip() == "3 bundle(s) verified into pulled, cursor 3"
        bundle = sorted((workdir / "pulled").glob("paris-000001-*.zip"))[0]
        again = run_cli("release", "push", str(bundle), "--hub", base, "--token-file", "token")
        assert again.out.startswith("already there: ")
    feed = run_cli("hub", "feed", "--db", "hub.db")
    assert feed.out.count("paris") == 3


def test_release_build_explain_gives_every_suppressed_cell_its_rule_and_interval(
    run_cli: RunCli, city_db: Path
) -> None:
    base = ["release", "build", "paris", "--season", "s1", "--db", str(city_db)]
    got = run_cli(*base, "--today", "2026-01-01", "--lang", "en", "--explain")
    assert got.code == 0, got.err
    summary, _, explained = got.out.partition(
        "Why each cell is hidden, and what an outsider can deduce:\n"
    )
    hidden = [line for line in summary.splitlines() if line.startswith("  ")]
    lines = explained.splitlines()
    assert len(lines) == len(hidden) > 0
    for line in lines:
        letter = line.split()[0]
        assert letter in {"A", "O", "T", "D"}
        if letter == "D":
            assert "hidden too" in line or "outcome holds" in line
        assert "a reader can deduce" in line
    french = run_cli(*base, "--today", "2026-01-01", "--explain")
    assert "Pourquoi chaque cellule est masquée" in french.out
    assert "un lecteur peut en déduire" in french.out
