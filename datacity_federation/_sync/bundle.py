"""Release bundles: a deterministic, signed zip of one release of one city for one season.

Rule header: a bundle holds exactly ``envelope.json``, ``datapackage.json`` and ``cells.csv``,
in that order, stored uncompressed with fixed timestamps and permissions, so the same release
gives the same bytes on any machine (no compressor version in the way) and the reader can rebuild
the canonical bundle from what was signed and refuse any other bytes. ``envelope.json`` has the DSSE shape (``payloadType``, ``payload`` =
base64 of the manifest, ``signatures`` = ``[{keyid, sig}]``); the signature is Ed25519 over the
DSSE pre-authentication encoding. ``bundle_id = sha256(manifest bytes)``.

Opening a bundle trusts nothing: the member whitelist, no folder, link, ``..``, absolute path or
URL, a bounded size per member, then the envelope (:mod:`.envelope`), then the signatures against
keys the reader chose (each ``keyid`` must name the key that verifies it), then every member's
sha256, then the canonical layout: ``datapackage.json`` and the zip are rebuilt from the manifest
and the cells and must be byte-equal to what was sent.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from datacity_federation._sync.cells_csv import COLUMNS, read_cells, write_cells
from datacity_federation._sync.envelope import (
    MAX_ENVELOPE_BYTES,
    BundleRejected,
    ParsedEnvelope,
    envelope_bytes,
    pae,
    parse_envelope,
    verify_signatures,
)
from datacity_federation._sync.keys import fingerprint
from datacity_federation._sync.manifest import (
    MEMBERS,
    PAYLOAD_TYPE,
    Action,
    Manifest,
    ReleaseScope,
    RulesRef,
    sha256_hex,
)
from datacity_federation.domain.release import Cell
from datacity_federation.errors import ReleaseError

__all__ = [
    "MAX_BUNDLE_BYTES",
    "MAX_UNZIPPED_BYTES",
    "BundleRejected",
    "OpenedBundle",
    "build_bundle",
    "check_canonical",
    "check_digests",
    "datapackage",
    "datapackage_name",
    "open_bundle",
    "pae",
    "read_canonical_cells",
    "verify_bundle",
    "verify_envelope",
    "zip_members",
]

MAX_BUNDLE_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 8 * 1024 * 1024
MAX_DATAPACKAGE_BYTES = 16 * 1024
"""Largest ``datapackage.json`` (the canonical one is about 1.2 KB)."""
_MEMBER_CAPS = {"envelope.json": MAX_ENVELOPE_BYTES, "datapackage.json": MAX_DATAPACKAGE_BYTES}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def datapackage_name(city: str, season: str) -> str:
    return f"datacity-release-{city}-{season}"


def datapackage(*, name: str, cells_sha256: str) -> bytes:
    """A Frictionless Data Package (v2) describing ``cells.csv`` (relative path only)."""
    field_types = {"value": "number"}
    doc = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": name,
        "resources": [
            {
                "name": "cells",
                "path": "cells.csv",
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "hash": f"sha256:{cells_sha256}",
                "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\r\n"},
                "schema": {
                    "fields": [{"name": c, "type": field_types.get(c, "string")} for c in COLUMNS],
                    "primaryKey": ["city", "season", "metric", "theme", "dim"],
                    "missingValues": [""],
                },
            }
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def zip_members(members: Sequence[tuple[str, bytes]]) -> bytes:
    """The canonical zip of ``members``: in order, stored, fixed time and mode, no extra field."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, data)
    return buf.getvalue()


def build_bundle(
    *,
    cells: Iterable[Cell],
    network: str,
    city: str,
    seq: int,
    prev: str | None,
    scope: ReleaseScope,
    action: Action,
    rules: RulesRef,
    key: Ed25519PrivateKey,
) -> tuple[bytes, Manifest]:
    """The zip bytes and manifest of one release. A retraction carries no cell."""
    rows = list(cells)
    for c in rows:
        if c.city != city or c.season != scope.season:
            raise ReleaseError(f"cell {'/'.join(c.key)} is not of {city}/{scope.season}")
    if action is Action.RETRACT:
        rows = []
    cells_csv = write_cells(rows)
    dp = datapackage(name=datapackage_name(city, scope.season), cells_sha256=sha256_hex(cells_csv))
    manifest = Manifest(
        network=network,
        city=city,
        seq=seq,
        prev=prev,
        scope=scope,
        action=action,
        rules=rules,
        members={"cells.csv": sha256_hex(cells_csv), "datapackage.json": sha256_hex(dp)},
    )
    payload = manifest.to_bytes()
    signature = (fingerprint(key.public_key()), key.sign(pae(PAYLOAD_TYPE, payload)))
    members = [
        ("envelope.json", envelope_bytes(payload, [signature])),
        ("datapackage.json", dp),
        ("cells.csv", cells_csv),
    ]
    return zip_members(members), manifest


@dataclass(frozen=True, slots=True)
class OpenedBundle:
    """The members of a bundle that passed the safe unzip (nothing verified yet)."""

    members: Mapping[str, bytes]

    @property
    def envelope(self) -> bytes:
        return self.members["envelope.json"]


def open_bundle(
    data: bytes,
    *,
    max_bytes: int = MAX_BUNDLE_BYTES,
    max_unzipped: int = MAX_UNZIPPED_BYTES,
) -> OpenedBundle:
    """Check 1: size cap and safe unzip; raise :class:`BundleRejected`."""
    if len(data) > max_bytes:
        raise BundleRejected("body_too_large", f"bundle is {len(data)} bytes (limit {max_bytes})")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    # A hostile zip raises many stdlib types (BadZipFile, NotImplementedError for an
    # unknown version, zlib.error, EOFError...): every one of them is a bad_zip.
    except Exception as exc:
        raise BundleRejected("bad_zip", f"not a readable zip: {exc}") from exc
    names = [i.filename for i in infos]
    for info in infos:
        name = info.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
            or ":" in name
            or "/" in name
            or "\\" in name
        ):
            raise BundleRejected("unsafe_member", f"unsafe member path {name[:80]!r}")
        mode = info.external_attr >> 16
        if info.is_dir() or stat.S_ISLNK(mode) or (mode and not stat.S_ISREG(mode)):
            raise BundleRejected("unsafe_member", f"member {name[:80]!r} is not a plain file")
        if name not in MEMBERS:
            raise BundleRejected("unexpected_member", f"member {name[:80]!r} is not allowed")
    if len(names) != len(set(names)) or sorted(names) != sorted(MEMBERS):
        missing = sorted(set(MEMBERS) - set(names))
        raise BundleRejected(
            "unexpected_member",
            f"a bundle holds exactly {', '.join(MEMBERS)}"
            + (f" (missing {', '.join(missing)})" if missing else " (duplicates)"),
        )
    out: dict[str, bytes] = {}
    budget = max_unzipped
    for info in infos:
        if info.flag_bits & 0x1:
            raise BundleRejected("unsafe_member", f"member {info.filename!r} is encrypted")
        if info.compress_type != zipfile.ZIP_STORED:
            # Canonical bundles store their members: nothing is ever decompressed.
            raise BundleRejected(
                "non_canonical", f"member {info.filename!r} is compressed (bundles store members)"
            )
        cap = min(budget, _MEMBER_CAPS.get(info.filename, budget))
        if info.file_size > cap:
            raise BundleRejected(
                "too_large_unzipped", f"member {info.filename!r} passes {cap} bytes"
            )
        try:
            with zf.open(info) as fh:
                chunk = fh.read(cap + 1)
        # A hostile zip raises many stdlib types (BadZipFile, NotImplementedError for an
        # unknown version, zlib.error, EOFError...): every one of them is a bad_zip.
        except Exception as exc:
            raise BundleRejected("bad_zip", f"member {info.filename!r}: {exc}") from exc
        if len(chunk) > cap:
            raise BundleRejected(
                "too_large_unzipped", f"member {info.filename!r} passes {cap} bytes"
            )
        budget -= len(chunk)
        out[info.filename] = chunk
    return OpenedBundle(out)


def verify_envelope(
    opened: OpenedBundle, keys: Mapping[str, Ed25519PublicKey]
) -> tuple[ParsedEnvelope, str]:
    """Checks 2 and 3: the envelope by its types, then every signature with the key its
    ``keyid`` names among ``keys`` (fingerprint -> key, chosen by the reader).

    Return the parsed envelope and the fingerprint of the key that verified.
    """
    env = parse_envelope(opened.envelope)
    return env, verify_signatures(env, keys)


def check_digests(opened: OpenedBundle, manifest: Manifest) -> None:
    """Check 5: every member but the envelope matches its sha256 in the manifest."""
    for name, digest in manifest.members.items():
        if sha256_hex(opened.members[name]) != digest:
            raise BundleRejected(
                "digest_mismatch", f"{name} does not match its sha256 in the manifest"
            )


def check_canonical(opened: OpenedBundle, body: bytes, manifest: Manifest) -> None:
    """Check 5b: ``datapackage.json`` and the zip are what the reader builds from the manifest
    and the members: no bytes before or after, no extra field, time, order or compression."""
    expected = datapackage(
        name=datapackage_name(manifest.city, manifest.scope.season),
        cells_sha256=sha256_hex(opened.members["cells.csv"]),
    )
    if opened.members["datapackage.json"] != expected:
        raise BundleRejected(
            "non_canonical",
            "datapackage.json differs from the one built from the manifest and cells.csv",
        )
    if zip_members([(name, opened.members[name]) for name in MEMBERS]) != body:
        raise BundleRejected(
            "non_canonical",
            "the zip is not laid out canonically (bytes around or between the members, extra "
            "fields, comments, times, modes or order differ from the rebuilt bundle)",
        )


def verify_bundle(
    data: bytes, keys: Sequence[Ed25519PublicKey]
) -> tuple[Manifest, str, str, list[Cell]]:
    """Offline verification of a whole bundle: safe unzip, envelope, signature, hashes, cells.

    Return the manifest, the bundle id, the verifying key's fingerprint and the cells.
    """
    opened = open_bundle(data)
    env, signer = verify_envelope(opened, {fingerprint(k): k for k in keys})
    manifest = env.manifest
    check_digests(opened, manifest)
    check_canonical(opened, data, manifest)
    cells = read_canonical_cells(opened)
    for c in cells:
        if c.city != manifest.city or c.season != manifest.scope.season:
            raise BundleRejected(
                "city_mismatch", f"row {'/'.join(c.key)} is not of {manifest.city}"
            )
    return manifest, env.bundle_id, signer, cells


def read_canonical_cells(opened: OpenedBundle) -> list[Cell]:
    """Check 6: ``cells.csv`` by the hub's pinned schema, and in its canonical bytes (the rows
    written back give the very same file: sorted, exact digits, minimal quoting)."""
    data = opened.members["cells.csv"]
    try:
        cells = read_cells(data)
    except ReleaseError as exc:
        raise BundleRejected("invalid_cells", str(exc)) from exc
    if write_cells(cells) != data:
        raise BundleRejected(
            "non_canonical", "cells.csv is not in canonical form (row order, quoting, spelling)"
        )
    return cells
