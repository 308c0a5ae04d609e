"""A mirror hub on 127.0.0.1 follows a source hub while cities push and converges; a source that
serves a tampered bundle is refused, and the mirror stays a consistent prefix of the truth."""

from __future__ import annotations

import io
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pytest
from ops_helpers import CITIES, KEYS, NEW_KEY, Chains, fill, register, snapshot
from sqlalchemy import text

from datacity_federation._sync.bundle import zip_members
from datacity_federation._sync.client import HubClient
from datacity_federation._sync.hub_mirror import mirror_hub, parse_pins
from datacity_federation._sync.hub_store import feed_page, hub_engine
from datacity_federation._sync.keys import fingerprint
from datacity_federation.errors import DatacityError, MirrorRefused
from datacity_federation.testing import RunCli
from datacity_federation.testing.hub_server import hub_in_thread
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.integration

FIRST_PINS = {c: [fingerprint(KEYS[c].public_key())] for c in CITIES}
PINS = {**FIRST_PINS, "singapore": [*FIRST_PINS["singapore"], fingerprint(NEW_KEY.public_key())]}
# What a mirror holds differently by design: its own times, tokens, cursor, key states.
LOCAL = frozenset(
    {
        ("hub_bundle", "received_at"),
        ("hub_feed", "at"),
        ("hub_season", "updated_at"),
        ("hub_city", "created_at"),
        ("hub_city", "token_hash"),
        ("hub_key", "added_at"),
        ("hub_key", "active"),
        ("hub_key", "revoked_at"),
        ("hub_meta", "key"),
        ("hub_meta", "value"),
        # The audit of credential changes is each hub's own (a mirror issues its own tokens).
        *(("hub_audit", c) for c in ("id", "at", "city", "action", "detail")),
    }
)


def _state(
    url: str, skip: frozenset[tuple[str, str]] = LOCAL
) -> dict[str, list[tuple[object, ...]]]:
    engine = hub_engine(url)
    try:
        return snapshot(engine, skip=skip)
    finally:
        engine.dispose()


def _feed_len(url: str) -> int:
    engine = hub_engine(url)
    try:
        return len(feed_page(engine, limit=1000).entries)
    finally:
        engine.dispose()


def test_mirror_follows_a_source_while_cities_push_and_converges(tmp_path: Path) -> None:
    source = str(tmp_path / "source.db")
    engine = hub_engine(source)
    tokens = register(engine)
    engine.dispose()
    chains = Chains()
    work = {c: [chains.next(c, n) for n in (1, 2, 3)] for c in CITIES}
    mirror_url = str(tmp_path / "mirror.db")
    mirror = hub_engine(mirror_url)
    stop = threading.Event()
    failures: list[BaseException] = []
    with hub_in_thread(source) as base:

        def city(name: str) -> None:
            with HubClient(base, token=tokens[name]) as client:
                for data in work[name]:
                    assert client.push(name, data).status == 201
                    time.sleep(0.05)

        def follow() -> None:
            try:
                mirror_hub(mirror, base, pins=FIRST_PINS, follow=True, interval=0.05, stop=stop)
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        follower = threading.Thread(target=follow)
        follower.start()
        pushers = [threading.Thread(target=city, args=(c,)) for c in CITIES]
        for t in pushers:
            t.start()
        for t in pushers:
            t.join()
        deadline = time.monotonic() + 60
        while _feed_len(mirror_url) < 12 and time.monotonic() < deadline and not failures:
            time.sleep(0.1)
        stop.set()
        follower.join(timeout=30)
    mirror.dispose()
    assert failures == []
    assert _state(mirror_url) == _state(source)


def _tamper_cells(data: bytes) -> bytes:
    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    lines = members["cells.csv"].decode().split("\r\n")
    fields = lines[1].split(",")
    fields[5] = "999" if fields[5] != "999" else "998"
    lines[1] = ",".join(fields)
    members["cells.csv"] = "\r\n".join(lines).encode()
    return zip_members(list(members.items()))


def _resigned(city: str) -> bytes:
    """The same manifest (so the same bundle id), signed by another city's key."""
    other = KEYS["paris" if city != "paris" else "barcelona"]
    data, _, _ = sample_bundle(
        sample_facts(city, "s2", number=2, start=sample_facts().start.replace(year=2016)),
        key=other,
        seq=2,
    )
    return data


def _bad_source(good: str, bad: str, how: str) -> tuple[str, int]:
    """Copy the good hub and spoil it the way ``how`` says; return the victim id and the
    number of feed entries before it."""
    shutil.copy(good, bad)
    engine = hub_engine(bad)
    try:
        entries = feed_page(engine, limit=1000).entries
        victim = next(e for e in entries if e.city == "barcelona" and e.seq == 2)
        first = next(e for e in entries if e.city == "barcelona" and e.seq == 1)
        with engine.begin() as conn:
            data = conn.execute(
                text("SELECT data FROM hub_bundle WHERE bundle_id = :b"), {"b": victim.bundle_id}
            ).scalar_one()
            spoiled = {
                "cells": lambda: _tamper_cells(data),
                "signature": lambda: _forged_same_id(data),
                "another_bundle": lambda: conn.execute(
                    text("SELECT data FROM hub_bundle WHERE bundle_id = :b"),
                    {"b": first.bundle_id},
                ).scalar_one(),
            }
            if how == "gap":
                conn.execute(text("DELETE FROM hub_feed WHERE cursor = :c"), {"c": victim.cursor})
                victim = next(e for e in entries if e.city == "barcelona" and e.seq == 3)
            else:
                conn.execute(
                    text("UPDATE hub_bundle SET data = :d WHERE bundle_id = :b"),
                    {"d": spoiled[how](), "b": victim.bundle_id},
                )
        return victim.bundle_id, sum(1 for e in entries if e.cursor < victim.cursor) - (
            how == "gap"
        )
    finally:
        engine.dispose()


def _forged_same_id(data: bytes) -> bytes:
    """Keep the manifest (and so the bundle id), replace the signature by one of another key."""
    import base64
    import json

    from datacity_federation._sync.bundle import pae
    from datacity_federation._sync.manifest import PAYLOAD_TYPE, canonical_json

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    env = json.loads(members["envelope.json"])
    payload = base64.b64decode(env["payload"])
    sig = KEYS["paris"].sign(pae(PAYLOAD_TYPE, payload))
    env["signatures"] = [
        {"keyid": env["signatures"][0]["keyid"], "sig": base64.b64encode(sig).decode()}
    ]
    members["envelope.json"] = canonical_json(env)
    return zip_members(list(members.items()))


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("cells", "digest_mismatch"),
        ("signature", "bad_signature"),
        ("another_bundle", "where its feed names"),
        ("gap", "conflict"),
    ],
)
def test_mirror_refuses_a_source_serving_a_bad_bundle_and_stays_consistent(
    tmp_path: Path, how: str, reason: str
) -> None:
    good = str(tmp_path / "good.db")
    fill(good)
    bad = str(tmp_path / "bad.db")
    victim, before = _bad_source(good, bad, how)
    mirror_url = str(tmp_path / "mirror.db")
    mirror = hub_engine(mirror_url)
    try:
        with hub_in_thread(bad) as base:
            with pytest.raises(MirrorRefused) as refused:
                mirror_hub(mirror, base, pins=PINS)
            assert (refused.value.source, refused.value.city) == (base, "barcelona")
            assert refused.value.bundle_id == victim
            assert reason in refused.value.reason
            assert f"source hub {base} refused" in str(refused.value)
            held = snapshot(mirror, skip=LOCAL)
            # Nothing of the bad bundle, everything before it, and a second run changes nothing.
            assert len(held["hub_feed"]) == before
            assert victim not in {row[0] for row in held["hub_bundle"]}
            with pytest.raises(MirrorRefused):
                mirror_hub(mirror, base, pins=PINS)
            assert snapshot(mirror, skip=LOCAL) == held
        with hub_in_thread(good) as base:  # the true source: the mirror completes
            report = mirror_hub(mirror, base, pins=PINS)
        assert (report.stored, report.known) == (15 - before, before)
    finally:
        mirror.dispose()
    # A source that hid a feed entry made the mirror take the later ones first: same bundles,
    # cells and heads, its own feed order.
    skip = LOCAL | ({("hub_feed", "cursor")} if how == "gap" else set())
    assert _state(mirror_url, skip) == _state(good, skip)


def test_mirror_refuses_keys_that_do_not_match_the_pins(tmp_path: Path) -> None:
    good = str(tmp_path / "good.db")
    fill(good)
    mirror = hub_engine(str(tmp_path / "mirror.db"))
    wrong = {"paris": [fingerprint(KEYS["barcelona"].public_key())]}
    try:
        with hub_in_thread(good) as base:
            with pytest.raises(DatacityError, match=r"serves no key sha256:[0-9a-f]+ for paris"):
                mirror_hub(mirror, base, pins=wrong)
            with pytest.raises(DatacityError, match="names city 'paris', which has no pinned key"):
                mirror_hub(mirror, base, pins={"barcelona": PINS["barcelona"]})
    finally:
        mirror.dispose()


def test_pins_are_parsed_or_refused() -> None:
    fp = "sha256:" + "ab" * 32
    assert parse_pins([f"paris={fp}", f"paris={fp.upper()[:7].lower()}{'cd' * 32}"]) == {
        "paris": [fp, "sha256:" + "cd" * 32]
    }
    with pytest.raises(DatacityError, match="CITY=sha256"):
        parse_pins(["paris:sha256:00"])


def test_cli_mirror_with_key_files(tmp_path: Path, run_cli: RunCli) -> None:
    good = str(tmp_path / "good.db")
    fill(good)
    keys = tmp_path / "keys"
    keys.mkdir()
    from cryptography.hazmat.primitives import serialization

    for city in CITIES:
        for n, key in enumerate([KEYS[city], *([NEW_KEY] if city == "singapore" else [])]):
            pem = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            (keys / f"{city}.pub").write_bytes(pem) if n == 0 else None
    mirror = str(tmp_path / "mirror.db")
    with hub_in_thread(good) as base:
        nothing = run_cli("hub", "mirror", "--from", base, "--db", mirror)
        assert nothing.code == 1
        assert "give --pin or --keys" in nothing.err
        done = run_cli(
            "hub", "mirror", "--from", base, "--db", mirror, "--keys", str(keys),
            "--pin", f"singapore={fingerprint(NEW_KEY.public_key())}",
        )  # fmt: skip
        assert done.code == 0, done.err
        assert "15 new bundle(s), 0 already here, cursor 15" in done.out
        again = run_cli("hub", "mirror", "--from", base, "--db", mirror, "--keys", str(keys))
        assert "0 new bundle(s), 0 already here, cursor 15" in again.out
    assert _state(mirror) == _state(good)
