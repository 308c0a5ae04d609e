"""One example per rule of the hardened hub: status, reason, and an unchanged database."""

from __future__ import annotations

import io
import json
import time
import zipfile
from decimal import Decimal
from typing import Any

import pytest
import sync_helpers
from hostile import LAYOUTS, Hostile, build
from sqlmodel import Session, select
from sync_helpers import BARCELONA_KEY, HEADER, PARIS_KEY, Hub, craft, push, refused, snapshot

from datacity_federation._sync.cells_csv import format_decimal
from datacity_federation._sync.hub_admin import audit_log, revoke_token, rotate_token
from datacity_federation._sync.hub_ingest import ingest, rotate_key
from datacity_federation._sync.hub_read import cells_for_year
from datacity_federation._sync.hub_store import HubCell

pytestmark = pytest.mark.integration

MANIFEST: dict[str, Any] = {**sync_helpers.MANIFEST, "members": "auto"}
ROWS = [["paris", "s1", "applications", "all", "", "12", "count", "F"]]


def signed(**changes: Any) -> bytes:
    """A valid bundle signed by Paris, with ``changes`` to its parts (see :class:`Hostile`)."""
    manifest = {**MANIFEST, **changes.pop("manifest", {})}
    return build(
        Hostile(manifest=manifest, rows=changes.pop("rows", ROWS), **changes),
        PARIS_KEY,
        [BARCELONA_KEY],
    )


# -- exactly what was signed ------------------------------------------------------------------

EXACT = [
    [
        "paris",
        "s1",
        "contract_value_total",
        "all",
        "",
        "123456789012345678.123456",
        "currency",
        "F",
    ],
    ["paris", "s1", "sponsorship_total", "all", "", "0.000001", "currency", "F"],
]


def test_values_round_trip_with_every_signed_digit(hub: Hub) -> None:
    body = signed(rows=EXACT)
    assert push(hub, body).status == 201
    with Session(hub.engine) as s:
        stored = {r.metric: r.value for r in s.exec(select(HubCell)).all()}
    assert stored == {"contract_value_total": EXACT[0][5], "sponsorship_total": EXACT[1][5]}
    review = {c.metric.value: c.value for c in cells_for_year(hub.engine, 2015).cells}
    assert review == {m: Decimal(v) for m, v in stored.items()}
    assert [format_decimal(v) for v in review.values() if v is not None] == [
        EXACT[0][5],
        EXACT[1][5],
    ]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("1234567890123456789.123456", "no more than 24 digits"),
        ("1.0000001", "no more than 6 decimal places"),
        ("9" * 40, "at most 24 digits"),
    ],
)
def test_values_beyond_the_digit_bound_are_refused(hub: Hub, value: str, why: str) -> None:
    row = f"paris,s1,sponsorship_total,all,,{value},currency,F\r\n"
    err = refused(hub, craft(HEADER + row), 422, "invalid_cells")
    assert why in err.detail


# -- retraction rules -------------------------------------------------------------------------


def test_retraction_of_a_season_never_released_is_refused(hub: Hub) -> None:
    assert push(hub, craft()).status == 201
    head = _head_id(hub)
    body = signed(
        rows=[],
        manifest={
            "action": "retract",
            "seq": 2,
            "prev": head,
            "scope": {**MANIFEST["scope"], "season": "s2"},
        },
    )
    err = refused(hub, body, 422, "bad_retraction")
    assert "never released" in err.detail


def test_retraction_twice_is_refused_and_a_release_after_it_is_accepted(hub: Hub) -> None:
    assert push(hub, craft()).status == 201
    retract = signed(rows=[], manifest={"action": "retract", "seq": 2, "prev": _head_id(hub)})
    assert push(hub, retract).status == 201
    again = signed(rows=[], manifest={"action": "retract", "seq": 3, "prev": _head_id(hub)})
    err = refused(hub, again, 422, "bad_retraction")
    assert "already retracted" in err.detail
    assert push(hub, signed(manifest={"seq": 3, "prev": _head_id(hub)})).status == 201


def _head_id(hub: Hub) -> str:
    from datacity_federation._sync.hub_store import feed_page

    return feed_page(hub.engine, limit=1000).entries[-1].bundle_id


# -- bounded work before trust ----------------------------------------------------------------


def test_signature_flood_is_refused_before_any_verification(hub: Hub) -> None:
    # Deflated, 20,000 well-formed signatures fit in a few tens of kilobytes: refused unread,
    # because canonical bundles store their members.
    flood = signed(signers=["own"] * 20_000, layout="deflated")
    assert len(flood) < 100_000
    started = time.perf_counter()
    err = refused(hub, flood, 400, "non_canonical")
    assert "compressed" in err.detail
    # Stored, a flood is capped by the envelope's size...
    refused(hub, signed(signers=["own"] * 200), 413, "too_large_unzipped")
    # ...and below that cap, by the number of the city's active keys (one here).
    err = refused(hub, signed(signers=["own", "other"]), 400, "too_many_signatures")
    assert "1 active key" in err.detail
    print(f"signature floods refused in {(time.perf_counter() - started) * 1000:.1f} ms")


@pytest.mark.parametrize("kind", ["short", "garbage"])
def test_malformed_signature_is_refused_before_verification(hub: Hub, kind: str) -> None:
    err = refused(hub, signed(signers=[kind]), 400, "bad_envelope")
    assert "signatures.0.sig" in err.detail


def test_spoofed_keyid_is_refused(hub: Hub) -> None:
    # Paris's own valid signature, but named by Barcelona's key id.
    err = refused(hub, signed(signers=["spoofed"]), 403, "bad_signature")
    assert "names none of the city's active keys" in err.detail


def test_two_signatures_of_two_active_keys_are_accepted(hub: Hub) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    second = Ed25519PrivateKey.from_private_bytes(bytes(range(7, 39)))
    rotate_key(hub.engine, city="paris", public_key=second.public_key())
    body = build(
        Hostile(manifest=dict(MANIFEST), rows=ROWS, signers=["own", "other"]), PARIS_KEY, [second]
    )
    assert push(hub, body).status == 201


def test_token_of_another_city_is_refused_before_the_body_is_opened(hub: Hub) -> None:
    # Not even a zip: the token decides first.
    refused(hub, b"not a zip", 403, "city_mismatch", token=hub.tokens["barcelona"])
    refused(hub, b"not a zip", 401, "unauthorized", token="dch_unknown")


# -- canonical bundles only -------------------------------------------------------------------


def test_polyglot_body_is_refused(hub: Hub) -> None:
    err = refused(hub, signed(layout="prefix"), 400, "non_canonical")
    assert "zip is not laid out canonically" in err.detail


@pytest.mark.parametrize(
    "layout", [x for x in LAYOUTS if x not in ("prefix", "extra_member", "deflated")]
)
def test_zip_layout_variations_are_refused(hub: Hub, layout: str) -> None:
    refused(hub, signed(layout=layout), 400, "non_canonical")


def test_extra_datapackage_fields_are_refused(hub: Hub) -> None:
    extra = {"contributors": [{"title": "Alice Martin", "email": "alice@example.org"}]}
    err = refused(hub, signed(datapackage_extra=extra), 400, "non_canonical")
    assert "datapackage.json" in err.detail


def test_extra_manifest_field_is_refused(hub: Hub) -> None:
    err = refused(hub, signed(manifest={"contact": "alice@example.org"}), 400, "bad_manifest")
    assert "contact" in err.detail


def test_non_canonical_manifest_json_is_refused(hub: Hub) -> None:
    refused(hub, signed(spaced_payload=True), 400, "non_canonical")


def test_extra_envelope_field_is_refused(hub: Hub) -> None:
    err = refused(hub, signed(envelope_extra={"note": "alice@example.org"}), 400, "bad_envelope")
    assert "note" in err.detail


def test_cells_out_of_canonical_order_are_refused(hub: Hub) -> None:
    rows = [
        ["paris", "s1", "applications", "waste", "", "12", "count", "F"],
        ["paris", "s1", "applications", "all", "", "20", "count", "F"],
    ]
    err = refused(hub, signed(rows=rows), 400, "non_canonical")
    assert "cells.csv" in err.detail


@pytest.mark.parametrize(
    ("manifest", "where"),
    [
        ({"seq": 2**31}, "seq"),
        ({"seq": 2**63}, "seq"),
        ({"seq": "1"}, "seq"),
        ({"city": "a" * 65}, "city"),
        ({"scope": {**MANIFEST["scope"], "season": "s" * 65}}, "scope.season"),
        ({"scope": {**MANIFEST["scope"], "season_number": 2**31}}, "scope.season_number"),
        ({"scope": {**MANIFEST["scope"], "end": "2014-01-01"}}, "scope"),
        ({"rules": {"profile": "default", "version": 2**40}}, "rules.version"),
        ({"members": {"cells.csv": "0" * 64}}, "manifest"),
    ],
)
def test_manifest_fields_beyond_their_type_are_refused(
    hub: Hub, manifest: dict[str, Any], where: str
) -> None:
    err = refused(hub, signed(manifest=manifest), 400, "bad_manifest")
    assert err.detail.startswith(f"manifest {where}")


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["paris", "s1", "pilot_outcomes", "all", "c" * 65, "", "count", "A"], "dim"),
        (["paris", "s1", "applications", "t" * 65, "", "12", "count", "F"], "theme"),
        (["paris", "s" * 65, "applications", "all", "", "12", "count", "F"], "season"),
        (["paris", "s1", "applications", "all", "", "12.5", "count", "F"], "row"),
    ],
)
def test_cell_columns_beyond_their_type_are_refused(hub: Hub, row: list[str], column: str) -> None:
    err = refused(hub, signed(rows=[row]), 422, "invalid_cells")
    assert f"cells.csv:2: {column}" in err.detail


# -- tokens -----------------------------------------------------------------------------------


def test_rotated_token_replaces_the_old_one_and_is_audited(hub: Hub) -> None:
    old = hub.tokens["paris"]
    new = rotate_token(hub.engine, city="paris")
    refused(hub, craft(), 401, "unauthorized", token=old)
    assert ingest(hub.engine, city="paris", token=new, body=craft()).status == 201
    assert [e.action for e in audit_log(hub.engine, city="paris")] == [
        "city_added",
        "token_rotated",
    ]


def test_revoked_token_is_refused_until_rotated(hub: Hub) -> None:
    revoke_token(hub.engine, city="paris")
    refused(hub, craft(), 401, "unauthorized")
    new = rotate_token(hub.engine, city="paris")
    assert ingest(hub.engine, city="paris", token=new, body=craft()).status == 201
    actions = [e.action for e in audit_log(hub.engine, city="paris")]
    assert actions == ["city_added", "token_revoked", "token_rotated"]


def test_audit_never_holds_a_token(hub: Hub) -> None:
    token = rotate_token(hub.engine, city="paris")
    assert token not in json.dumps([str(e) for e in audit_log(hub.engine)])
    assert all(token not in repr(row) for rows in snapshot(hub.engine).values() for row in rows)


def test_bundle_served_back_is_the_canonical_one(hub: Hub) -> None:
    body = craft()
    assert push(hub, body).status == 201
    from datacity_federation._sync.hub_store import HubBundle

    with Session(hub.engine) as s:
        (stored,) = s.exec(select(HubBundle)).all()
    assert stored.data == body
    names = zipfile.ZipFile(io.BytesIO(stored.data)).namelist()
    assert names == ["envelope.json", "datapackage.json", "cells.csv"]
