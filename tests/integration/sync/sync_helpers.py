"""Helpers of the sync tests: two city keys, a hub handle, a snapshot of every hub table, and
bundles crafted with any content but a valid signature."""

from __future__ import annotations

import base64
import io
import stat
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from datacity_federation._sync.bundle import datapackage, datapackage_name, pae
from datacity_federation._sync.hub_ingest import Accepted, ingest
from datacity_federation._sync.keys import fingerprint
from datacity_federation._sync.manifest import PAYLOAD_TYPE, canonical_json, sha256_hex
from datacity_federation.errors import HubRejected

PARIS_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
BARCELONA_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34)))


@dataclass(frozen=True)
class Hub:
    engine: Engine
    tokens: dict[str, str]
    keys: dict[str, Ed25519PrivateKey]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every hub table, to compare before and after a refused request."""
    from datacity_federation._sync.hub_store import HUB_METADATA

    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name in sorted(HUB_METADATA.tables):
            rows = conn.execute(text(f"SELECT * FROM {name}")).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


HEADER = "city,season,metric,theme,dim,value,unit,status\r\n"
GOOD_ROW = "paris,s1,applications,all,,12,count,F\r\n"


def zip_of(
    members: list[tuple[str, bytes]],
    *,
    mode: int = stat.S_IFREG | 0o644,
    compress: int = zipfile.ZIP_STORED,
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = mode << 16
            info.compress_type = compress
            zf.writestr(info, data)
    return buf.getvalue()


MANIFEST: dict[str, Any] = {
    "format": "datacity-release",
    "major": 1,
    "network": "c40-datacity",
    "city": "paris",
    "seq": 1,
    "prev": None,
    "scope": {
        "season": "s1",
        "season_number": 1,
        "start": "2015-01-01",
        "end": "2015-12-31",
        "currency": "EUR",
    },
    "action": "upsert",
    "rules": {"profile": "default", "version": 1},
}
"""A valid manifest of Paris's first season, without its member hashes."""


def craft(
    cells_csv: str = HEADER + GOOD_ROW,
    *,
    key: Ed25519PrivateKey = PARIS_KEY,
    extra: list[tuple[str, bytes]] | None = None,
    **manifest: Any,
) -> bytes:
    """A bundle signed by ``key`` whose members hash correctly, with any content."""
    cells = cells_csv.encode()
    where = (manifest.get("city", "paris"), manifest.get("scope", {}).get("season", "s1"))
    dp = datapackage(name=datapackage_name(*where), cells_sha256=sha256_hex(cells))
    body: dict[str, Any] = {
        **MANIFEST,
        "members": {"cells.csv": sha256_hex(cells), "datapackage.json": sha256_hex(dp)},
    }
    body.update(manifest)
    payload = canonical_json(body)
    env = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [
            {
                "keyid": fingerprint(key.public_key()),
                "sig": base64.b64encode(key.sign(pae(PAYLOAD_TYPE, payload))).decode(),
            }
        ],
    }
    members = [
        ("envelope.json", canonical_json(env)),
        ("datapackage.json", dp),
        ("cells.csv", cells),
    ]
    return zip_of(members + (extra or []))


def refused(
    hub: Hub, body: bytes, status: int, error: str, *, city: str = "paris", token: str | None = None
) -> HubRejected:
    before = snapshot(hub.engine)
    with pytest.raises(HubRejected) as info:
        ingest(
            hub.engine,
            city=city,
            token=hub.tokens["paris"] if token is None else token,
            body=body,
            max_bytes=64 * 1024,
        )
    assert (info.value.status, info.value.error) == (status, error)
    assert snapshot(hub.engine) == before
    return info.value


def push(hub: Hub, body: bytes, city: str = "paris") -> Accepted:
    return ingest(hub.engine, city=city, token=hub.tokens[city], body=body)
