"""Hypothesis strategies for validly signed hostile bundles (and the builder they share).

Every bundle is signed by a real key over the very payload bytes it carries, so it reaches the
hub's checks past the signature: what varies is every manifest field (valid, at its bound, beyond
it, of the wrong type, non-canonical JSON), every cell column (at and beyond each bound), every
envelope field (signature count, malformed or spoofed signatures, extra keys) and the zip layout
(bytes before or after, compression, comments, times, modes, order, extra members, extra
``datapackage.json`` fields). Most draws stay close to a valid bundle so that many are accepted.
"""

from __future__ import annotations

import base64
import io
import json
import stat
import zipfile
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st
from sync_helpers import HEADER

from datacity_federation._sync.bundle import datapackage, datapackage_name, pae, zip_members
from datacity_federation._sync.keys import fingerprint
from datacity_federation._sync.manifest import PAYLOAD_TYPE, canonical_json, sha256_hex

LONG_SLUG = "a" * 65
DIGITS_24 = "123456789012345678.123456"
DIGITS_25 = "1234567890123456789.123456"


@dataclass
class Hostile:
    """What one drawn bundle is made of, before it is signed and zipped."""

    manifest: dict[str, Any]
    rows: list[list[str]]
    signers: list[str] = field(default_factory=lambda: ["own"])
    """``own``, ``other`` (another city's key), ``stranger``, ``spoofed`` (own key, other keyid),
    ``short`` (63 bytes), ``garbage`` (not base64)."""
    envelope_extra: dict[str, Any] = field(default_factory=dict)
    payload_type: str = PAYLOAD_TYPE
    spaced_payload: bool = False
    datapackage_extra: dict[str, Any] = field(default_factory=dict)
    layout: str = "canonical"


def cells_text(rows: list[list[str]]) -> bytes:
    return (HEADER + "".join(",".join(r) + "\r\n" for r in rows)).encode()


def _sig(
    kind: str, key: Ed25519PrivateKey, others: list[Ed25519PrivateKey], message: bytes
) -> dict[str, str]:
    own = fingerprint(key.public_key())
    if kind == "other":
        return {"keyid": fingerprint(others[0].public_key()), "sig": _b64(others[0].sign(message))}
    if kind == "stranger":
        stranger = Ed25519PrivateKey.from_private_bytes(bytes(range(40, 72)))
        return {"keyid": fingerprint(stranger.public_key()), "sig": _b64(stranger.sign(message))}
    if kind == "spoofed":
        return {"keyid": fingerprint(others[0].public_key()), "sig": _b64(key.sign(message))}
    if kind == "short":
        return {"keyid": own, "sig": _b64(key.sign(message)[:63])}
    if kind == "garbage":
        return {"keyid": own, "sig": "!" * 88}
    return {"keyid": own, "sig": _b64(key.sign(message))}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def build(h: Hostile, key: Ed25519PrivateKey, others: list[Ed25519PrivateKey]) -> bytes:
    """Sign and zip ``h``: the signatures are computed over the payload bytes it carries."""
    cells = cells_text(h.rows)
    scope = h.manifest.get("scope")
    season = scope.get("season") if isinstance(scope, dict) else None
    dp_name = datapackage_name(str(h.manifest.get("city")), str(season))
    dp = datapackage(name=dp_name, cells_sha256=sha256_hex(cells))
    if h.datapackage_extra:
        doc = {**json.loads(dp), **h.datapackage_extra}
        dp = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"
    manifest = dict(h.manifest)
    if manifest.get("members") == "auto":
        manifest["members"] = {"cells.csv": sha256_hex(cells), "datapackage.json": sha256_hex(dp)}
    payload = (
        json.dumps(manifest, sort_keys=True, indent=1).encode()
        if h.spaced_payload
        else canonical_json(manifest)
    )
    message = pae(PAYLOAD_TYPE, payload)
    env: dict[str, Any] = {
        "payloadType": h.payload_type,
        "payload": _b64(payload),
        "signatures": [_sig(kind, key, others, message) for kind in h.signers],
        **h.envelope_extra,
    }
    members = [
        ("envelope.json", canonical_json(env)),
        ("datapackage.json", dp),
        ("cells.csv", cells),
    ]
    return relayout(members, h.layout)


def relayout(members: list[tuple[str, bytes]], layout: str) -> bytes:
    """The zip of ``members`` in one of the layouts: ``canonical`` or a variation of it."""
    if layout == "canonical":
        return zip_members(members)
    if layout == "prefix":
        return b"%PDF-1.4 polyglot\n" + zip_members(members)
    if layout == "suffix":
        return zip_members(members) + b"trailing"
    if layout == "order":
        return zip_members([members[2], members[0], members[1]])
    if layout == "extra_member":
        return zip_members([*members, ("notes.txt", b"alice@example.org")])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(
                name,
                date_time=(2020, 5, 17, 10, 0, 0) if layout == "time" else (1980, 1, 1, 0, 0, 0),
            )
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | (0o755 if layout == "mode" else 0o644)) << 16
            info.compress_type = (
                zipfile.ZIP_DEFLATED if layout == "deflated" else zipfile.ZIP_STORED
            )
            if layout == "extra_field":
                info.extra = b"\xca\xfe\x05\x00alice"
            zf.writestr(info, data)
        if layout == "comment":
            zf.comment = b"contact: alice@example.org"
    return buf.getvalue()


LAYOUTS = [
    "prefix",
    "suffix",
    "order",
    "extra_member",
    "time",
    "mode",
    "deflated",
    "extra_field",
    "comment",
]


@st.composite
def _choice(draw: st.DrawFn, valid: Any, hostile: list[Any], percent: int) -> Any:
    if draw(st.integers(0, 99)) < percent:
        return draw(st.sampled_from(hostile))
    return valid


class Picker:
    """Draws each field valid, or hostile with the bundle's fault rate (``percent``)."""

    def __init__(self, draw: st.DrawFn, percent: int) -> None:
        self.draw = draw
        self.percent = percent

    def __call__(self, valid: Any, hostile: list[Any]) -> Any:
        return self.draw(_choice(valid, hostile, self.percent))


VALUES = {
    "count": ["12", "5", "0", "1000000"],
    "currency": ["250000.5", DIGITS_24, "0.000001", "90000"],
}


@st.composite
def rows(draw: st.DrawFn, city: str, season: str, percent: int) -> list[list[str]]:
    """A few cells, each column valid or at / beyond a bound."""
    pick = Picker(draw, percent)
    out: list[list[str]] = []
    themes = draw(
        st.lists(
            st.sampled_from(["all", "traffic", "waste", "energy"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    for theme in themes:
        metric, unit = draw(
            st.sampled_from([("applications", "count"), ("sponsorship_total", "currency")])
        )
        if metric == "sponsorship_total":
            theme = "all"
        value = pick(
            draw(st.sampled_from(VALUES[unit])),
            [
                DIGITS_25,
                "1.0000001",
                "-12",
                "1e3",
                "NaN",
                "Infinity",
                "3",
                "=1+1",
                "0012",
                "1.50",
                "",
                " 12",
                "9" * 40,
                "١٢",
            ],
        )
        status = "F" if value else "A"
        row = [
            pick(city, ["barcelona", LONG_SLUG, "Paris", ""]),
            pick(season, ["s9", LONG_SLUG, "s 1"]),
            pick(metric, ["secret_names", "m" * 65, "Applications"]),
            pick(theme, ["underwater_basket", "t" * 65, "@all"]),
            pick("", ["contract", "x" * 65, "d" * 5000]),
            value,
            pick(unit, ["days", "percent", "u" * 65]),
            pick(status, ["F", "A", "X", "f"]),
        ]
        out.append(row)
    if pick(True, [False]):
        out.sort()
    return out


@st.composite
def hostile_bundles(draw: st.DrawFn, head_seq: int, head_id: str | None) -> Hostile:
    """A validly signed bundle, most parts valid, some at or beyond their bounds: a third of
    the draws are clean, a third have a field or two wrong, a third many."""
    pick = Picker(draw, draw(st.sampled_from([0, 4, 25])))
    season = pick("s1", ["s2", LONG_SLUG, "S1", "s1 ", "é"])
    scope: dict[str, Any] = {
        "season": season,
        "season_number": pick(1, [0, -1, 2**31, 2**31 - 1, 2**63, "1", 1.0, True]),
        "start": pick("2015-01-01", ["2015-13-01", "0001-01-01", "2016-01-01", 20150101]),
        "end": pick("2015-12-31", ["9999-12-31", "2014-12-31", "", None]),
        "currency": pick("EUR", ["eur", "EURO", "€"]),
    }
    manifest: dict[str, Any] = {
        "format": pick("datacity-release", ["datacity-release-x", None]),
        "major": pick(1, [2, 0, "1", 1.0, 2**64]),
        "network": pick("c40-datacity", ["other-net", LONG_SLUG, "C40"]),
        "city": pick("paris", ["barcelona", LONG_SLUG, "paris\u0000"]),
        "seq": pick(
            head_seq + 1,
            [head_seq, head_seq + 2, 0, -1, 2**31, 2**63, str(head_seq + 1), float(head_seq + 1)],
        ),
        "prev": pick(head_id, ["0" * 64, "z" * 64, None if head_id else "1" * 64, 7]),
        "scope": pick(scope, [None, [], {**scope, "note": "alice@example.org"}]),
        "action": pick("upsert", ["retract", "retract", "delete", "UPSERT"]),
        "rules": pick(
            {"profile": "default", "version": 1},
            [
                {"profile": "strict", "version": 1},
                {"profile": "unknown", "version": 1},
                {"profile": "default", "version": 0},
                {"profile": "default", "version": 2**40},
                {"profile": "default", "version": 1, "extra": True},
            ],
        ),
        "members": pick(
            "auto", [{}, {"cells.csv": "0" * 64}, {"a": "0" * 64, "cells.csv": "0" * 64}]
        ),
    }
    if pick(False, [True]):
        manifest["contact"] = "alice@example.org"
    city = manifest["city"] if isinstance(manifest["city"], str) else "paris"
    cell_rows = (
        []
        if manifest["action"] == "retract" and draw(st.booleans())
        else draw(rows(city, season, pick.percent))
    )
    return Hostile(
        manifest=manifest,
        rows=cell_rows,
        signers=pick(
            ["own"],
            [
                ["own", "own"],
                ["own", "other"],
                ["other"],
                ["stranger"],
                ["spoofed"],
                ["short"],
                ["garbage"],
                [],
                ["own"] * 500,
            ],
        ),
        envelope_extra=pick({}, [{"note": "alice@example.org"}, {"keyid": "x"}]),
        payload_type=pick(PAYLOAD_TYPE, ["application/json", ""]),
        spaced_payload=pick(False, [True]),
        datapackage_extra=pick(
            {},
            [
                {"contributors": [{"title": "Alice", "email": "alice@example.org"}]},
                {"name": "other"},
            ],
        ),
        layout=pick("canonical", LAYOUTS),
    )


def signed_hostile_bodies(
    key: Ed25519PrivateKey, others: list[Ed25519PrivateKey]
) -> st.SearchStrategy[bytes]:
    """The bodies themselves, for schemathesis (head 0: a fresh hub)."""
    return hostile_bundles(0, None).map(lambda h: build(h, key, others))
