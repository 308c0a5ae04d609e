"""The attack cases of the rule book: each answers its 4xx and reason, and changes nothing."""

from __future__ import annotations

import base64
import io
import json
import stat
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sync_helpers import (
    GOOD_ROW,
    HEADER,
    PARIS_KEY,
    Hub,
    craft,
    push,
    refused,
    snapshot,
    zip_of,
)

from datacity_federation._sync.hub_ingest import revoke_key
from datacity_federation._sync.keys import fingerprint
from datacity_federation._sync.manifest import canonical_json
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.integration


def test_crafted_bundle_is_accepted(hub: Hub) -> None:
    assert push(hub, craft()).status == 201


def test_not_a_zip_is_refused(hub: Hub) -> None:
    refused(hub, b"PK\x03\x04 not really", 400, "bad_zip")


def test_path_traversal_member_is_refused(hub: Hub) -> None:
    err = refused(hub, craft(extra=[("../../etc/passwd", b"x")]), 400, "unsafe_member")
    assert "../../etc/passwd" in err.detail


def test_absolute_path_member_is_refused(hub: Hub) -> None:
    refused(hub, craft(extra=[("/tmp/x", b"x")]), 400, "unsafe_member")


def test_symlink_member_is_refused(hub: Hub) -> None:
    good = zipfile.ZipFile(io.BytesIO(craft()))
    members = [(n, good.read(n)) for n in good.namelist()]
    link = zip_of(members[:2]) and zip_of([members[0], members[1]])
    buf = io.BytesIO(link)
    with zipfile.ZipFile(buf, "a") as zf:
        info = zipfile.ZipInfo("cells.csv", date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    refused(hub, buf.getvalue(), 400, "unsafe_member")


def test_extra_member_is_refused(hub: Hub) -> None:
    refused(hub, craft(extra=[("notes.txt", b"hello")]), 400, "unexpected_member")


def test_missing_member_is_refused(hub: Hub) -> None:
    good = zipfile.ZipFile(io.BytesIO(craft()))
    refused(hub, zip_of([(n, good.read(n)) for n in good.namelist()[:2]]), 400, "unexpected_member")


def test_zip_bomb_is_refused_without_decompressing(hub: Hub) -> None:
    good = zipfile.ZipFile(io.BytesIO(craft()))
    members = [(n, good.read(n)) for n in good.namelist()]
    members[2] = ("cells.csv", (HEADER + "0" * (9 * 1024 * 1024)).encode())
    body = zip_of(members, compress=zipfile.ZIP_DEFLATED)
    assert len(body) < 64 * 1024
    err = refused(hub, body, 400, "non_canonical")
    assert "compressed" in err.detail


def test_member_declared_over_its_cap_is_refused(hub: Hub) -> None:
    good = zipfile.ZipFile(io.BytesIO(craft()))
    members = [(n, good.read(n)) for n in good.namelist()]
    members[1] = ("datapackage.json", b" " * (17 * 1024))
    refused(hub, zip_of(members), 413, "too_large_unzipped")


def test_oversized_body_is_refused(hub: Hub) -> None:
    refused(hub, b"x" * (64 * 1024 + 1), 413, "body_too_large")


def test_unknown_token_is_refused(hub: Hub) -> None:
    refused(hub, craft(), 401, "unauthorized", token="dch_nope")


def test_unsupported_major_version_is_refused(hub: Hub) -> None:
    err = refused(hub, craft(major=2), 400, "unsupported_format")
    assert "major version 2" in err.detail


def test_forged_signature_is_refused(hub: Hub) -> None:
    refused(hub, craft(key=Ed25519PrivateKey.generate()), 403, "bad_signature")


def test_other_city_signature_on_paris_url_is_refused(hub: Hub) -> None:
    refused(hub, craft(key=hub.keys["barcelona"]), 403, "bad_signature")


def test_other_city_token_on_paris_url_is_refused(hub: Hub) -> None:
    refused(hub, craft(), 403, "city_mismatch", token=hub.tokens["barcelona"])


def test_paris_token_on_barcelona_url_is_refused(hub: Hub) -> None:
    body = craft(key=hub.keys["barcelona"], city="barcelona")
    refused(hub, body, 403, "city_mismatch", city="barcelona")


def test_rows_of_another_city_are_refused(hub: Hub) -> None:
    body = craft(HEADER + "barcelona,s1,applications,waste,,7,count,F\r\n" + GOOD_ROW)
    refused(hub, body, 403, "city_mismatch")


def test_other_network_is_refused(hub: Hub) -> None:
    refused(hub, craft(network="other-net"), 400, "network_mismatch")


def test_revoked_key_is_refused(hub: Hub) -> None:
    revoke_key(hub.engine, city="paris", key_fingerprint=fingerprint(PARIS_KEY.public_key()))
    refused(hub, craft(), 403, "bad_signature")


def test_tampered_csv_is_refused(hub: Hub) -> None:
    good = zipfile.ZipFile(io.BytesIO(craft()))
    members = [(n, good.read(n)) for n in good.namelist()]
    members[2] = ("cells.csv", (HEADER + "paris,s1,applications,all,,99,count,F\r\n").encode())
    refused(hub, zip_of(members), 400, "digest_mismatch")


def test_tampered_manifest_is_refused(hub: Hub) -> None:
    good = zipfile.ZipFile(io.BytesIO(craft()))
    env = json.loads(good.read("envelope.json"))
    manifest = json.loads(base64.b64decode(env["payload"]))
    manifest["seq"] = 7
    env["payload"] = base64.b64encode(canonical_json(manifest)).decode()
    members = [(n, good.read(n)) for n in good.namelist()]
    members[0] = ("envelope.json", canonical_json(env))
    refused(hub, zip_of(members), 403, "bad_signature")


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ("paris,s1,applications,=HYPERLINK(1),,12,count,F", "formula injection"),
        ("paris,s1,applications,all,,@SUM(1),count,F", "formula injection"),
        ("paris,s1,applications,all,,+12,count,F", "formula injection"),
        ("paris,s1,applications,all,,NaN,count,F", "not an exact decimal"),
        ("paris,s1,sponsorship_total,all,,Infinity,currency,F", "not an exact decimal"),
        ("paris,s1,applications,all,,-12,count,F", "negative"),
        ("paris,s1,secret_names,all,,12,count,F", "unknown metric"),
        ("paris,s1,applications,all,,1e3,count,F", "not an exact decimal"),
        ("paris,s1,applications,all,,12,count,A", "must not carry a value"),
        ("paris,s1,applications,underwater_basket,,12,count,F", "unknown theme"),
    ],
)
def test_invalid_cells_are_refused(hub: Hub, row: str, why: str) -> None:
    err = refused(hub, craft(HEADER + row + "\r\n"), 422, "invalid_cells")
    assert why in err.detail


def test_duplicate_cell_keys_are_refused(hub: Hub) -> None:
    err = refused(hub, craft(HEADER + GOOD_ROW + GOOD_ROW), 422, "invalid_cells")
    assert "duplicate" in err.detail


def test_small_count_published_is_refused(hub: Hub) -> None:
    err = refused(
        hub, craft(HEADER + "paris,s1,applications,all,,3,count,F\r\n"), 422, "rule_violation"
    )
    assert "below the threshold 5" in err.detail


def test_single_suppressed_cell_in_additive_group_is_refused(hub: Hub) -> None:
    rows = (
        "paris,s1,applications,all,,20,count,F\r\n"
        "paris,s1,applications,traffic,,17,count,F\r\n"
        "paris,s1,applications,waste,,,count,A\r\n"
    )
    err = refused(hub, craft(HEADER + rows), 422, "rule_violation")
    assert "follows from the others" in err.detail


def test_replay_is_a_no_op(hub: Hub) -> None:
    body = craft()
    assert push(hub, body).status == 201
    before = snapshot(hub.engine)
    assert push(hub, body).status == 200
    assert snapshot(hub.engine) == before


def test_stale_replay_rollback_and_fork_are_conflicts(hub: Hub) -> None:
    facts = sample_facts()
    first, m1, _ = sample_bundle(facts, key=PARIS_KEY)
    second, m2, _ = sample_bundle(sample_facts(seed=1), key=PARIS_KEY, seq=2, prev=m1.bundle_id)
    assert push(hub, first).status == 201
    assert push(hub, second).status == 201
    stale, _, _ = sample_bundle(sample_facts(seed=9), key=PARIS_KEY)  # another seq 1
    err = refused(hub, stale, 409, "conflict")
    assert m2.bundle_id in err.detail
    fork, _, _ = sample_bundle(sample_facts(seed=5), key=PARIS_KEY, seq=2, prev=m1.bundle_id)
    refused(hub, fork, 409, "conflict")
    gap, _, _ = sample_bundle(sample_facts(seed=6), key=PARIS_KEY, seq=4, prev=m2.bundle_id)
    refused(hub, gap, 409, "conflict")


def test_zip_with_an_unknown_version_is_refused(hub: Hub) -> None:
    data = bytearray(craft())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 6 : at + 8] = (84).to_bytes(2, "little")  # "version needed to extract" 8.4
        data[at + 4 : at + 6] = (84).to_bytes(2, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    at = data.find(b"PK\x03\x04")
    while at != -1:
        data[at + 4 : at + 6] = (84).to_bytes(2, "little")
        at = data.find(b"PK\x03\x04", at + 4)
    refused(hub, bytes(data), 400, "bad_zip")


def test_deeply_nested_envelope_is_refused(hub: Hub) -> None:
    good = zipfile.ZipFile(io.BytesIO(craft()))
    members = [(n, good.read(n)) for n in good.namelist()]
    members[0] = ("envelope.json", b"[" * 8_000 + b"]" * 8_000)
    refused(hub, zip_of(members), 400, "bad_envelope")
