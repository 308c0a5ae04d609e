"""Release bundles: a deterministic, signed zip of one release of one city for one season.

Rule header: a bundle holds exactly ``envelope.json``, ``datapackage.json`` and ``cells.csv``,
in that order, stored with fixed timestamps, permissions and compression, so the same release
gives the same bytes. ``envelope.json`` has the DSSE shape (``payloadType``, ``payload`` =
base64 of the manifest, ``signatures`` = ``[{keyid, sig}]``); the signature is Ed25519 over the
DSSE pre-authentication encoding. ``bundle_id = sha256(manifest bytes)``.

Opening a bundle trusts nothing: the member whitelist, no folder, link, ``..``, absolute path or
URL, a bounded decompressed size, then the envelope, then the signature against keys the reader
chose (the ``keyid`` in the envelope is only a hint), then every member's sha256.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import stat
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import ValidationError

from datacity_federation.domain.release import Cell
from datacity_federation.errors import ReleaseError
from datacity_federation.sync.cells_csv import COLUMNS, read_cells, write_cells
from datacity_federation.sync.keys import fingerprint
from datacity_federation.sync.manifest import (
    FORMAT,
    FORMAT_MAJOR,
    MEMBERS,
    PAYLOAD_TYPE,
    Action,
    Manifest,
    ReleaseScope,
    RulesRef,
    canonical_json,
    sha256_hex,
)

__all__ = [
    "MAX_BUNDLE_BYTES",
    "MAX_UNZIPPED_BYTES",
    "BundleRejected",
    "OpenedBundle",
    "build_bundle",
    "check_digests",
    "datapackage",
    "open_bundle",
    "pae",
    "verify_bundle",
    "verify_envelope",
]

MAX_BUNDLE_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 8 * 1024 * 1024
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class BundleRejected(ReleaseError):
    """A bundle failed one of the checks; ``code`` is the hub's error code for it."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: what is signed."""
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


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


def _zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
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
    dp = datapackage(
        name=f"datacity-release-{city}-{scope.season}", cells_sha256=sha256_hex(cells_csv)
    )
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
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {
                "keyid": fingerprint(key.public_key()),
                "sig": base64.b64encode(key.sign(pae(PAYLOAD_TYPE, payload))).decode("ascii"),
            }
        ],
    }
    members = [
        ("envelope.json", canonical_json(envelope)),
        ("datapackage.json", dp),
        ("cells.csv", cells_csv),
    ]
    return _zip(members), manifest


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
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleRejected("bad_zip", f"member {info.filename!r}: unsupported compression")
        try:
            with zf.open(info) as fh:
                chunk = fh.read(budget + 1)
        # A hostile zip raises many stdlib types (BadZipFile, NotImplementedError for an
        # unknown version, zlib.error, EOFError...): every one of them is a bad_zip.
        except Exception as exc:
            raise BundleRejected("bad_zip", f"member {info.filename!r}: {exc}") from exc
        if len(chunk) > budget:
            raise BundleRejected(
                "too_large_unzipped", f"members unzip to more than {max_unzipped} bytes"
            )
        budget -= len(chunk)
        out[info.filename] = chunk
    return OpenedBundle(out)


def _envelope(opened: OpenedBundle) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Check 2: the envelope parses, its payload type and the format's major version are ours."""
    try:
        env = json.loads(opened.envelope)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BundleRejected("bad_envelope", f"envelope.json is not JSON: {exc}") from exc
    if not isinstance(env, dict) or set(env) != {"payloadType", "payload", "signatures"}:
        raise BundleRejected("bad_envelope", "envelope.json needs payloadType, payload, signatures")
    if env["payloadType"] != PAYLOAD_TYPE:
        raise BundleRejected(
            "unsupported_payload", f"payloadType {str(env['payloadType'])[:80]!r} not supported"
        )
    sigs = env["signatures"]
    if not isinstance(env["payload"], str) or not isinstance(sigs, list) or not sigs:
        raise BundleRejected("bad_envelope", "payload must be base64 text, signatures a list")
    try:
        payload = base64.b64decode(env["payload"], validate=True)
        signatures = [
            (str(s.get("keyid", "")), base64.b64decode(s["sig"], validate=True)) for s in sigs
        ]
    except (binascii.Error, KeyError, TypeError, AttributeError, ValueError) as exc:
        raise BundleRejected("bad_envelope", f"bad base64 in the envelope: {exc}") from exc
    try:
        head = json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BundleRejected("bad_envelope", f"payload is not JSON: {exc}") from exc
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BundleRejected("unsupported_format", f"payload is not a {FORMAT} manifest")
    if head.get("major") != FORMAT_MAJOR:
        raise BundleRejected(
            "unsupported_format",
            f"format {FORMAT} major version {str(head.get('major'))[:10]} is not supported "
            f"(this reader knows {FORMAT_MAJOR})",
        )
    return payload, signatures


def verify_envelope(
    opened: OpenedBundle, keys: Sequence[Ed25519PublicKey]
) -> tuple[Manifest, str, str]:
    """Checks 2 and 3: the envelope, then a signature by one of ``keys`` (chosen by the reader).

    Return the manifest, the bundle id and the fingerprint of the key that verified.
    """
    payload, signatures = _envelope(opened)
    message = pae(PAYLOAD_TYPE, payload)
    signer: str | None = None
    for key in keys:
        for _hint, sig in signatures:
            try:
                key.verify(sig, message)
            except InvalidSignature:
                continue
            signer = fingerprint(key)
            break
        if signer:
            break
    if signer is None:
        raise BundleRejected("bad_signature", "no signature verifies with the city's active keys")
    try:
        manifest = Manifest.model_validate_json(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BundleRejected("bad_manifest", f"manifest {where}: {first['msg']}") from None
    if set(manifest.members) != {"cells.csv", "datapackage.json"}:
        raise BundleRejected("bad_manifest", "manifest must hash cells.csv and datapackage.json")
    return manifest, sha256_hex(payload), signer


def check_digests(opened: OpenedBundle, manifest: Manifest) -> None:
    """Check 5: every member but the envelope matches its sha256 in the manifest."""
    for name, digest in manifest.members.items():
        if sha256_hex(opened.members[name]) != digest:
            raise BundleRejected(
                "digest_mismatch", f"{name} does not match its sha256 in the manifest"
            )


def verify_bundle(
    data: bytes, keys: Sequence[Ed25519PublicKey]
) -> tuple[Manifest, str, str, list[Cell]]:
    """Offline verification of a whole bundle: safe unzip, envelope, signature, hashes, cells.

    Return the manifest, the bundle id, the verifying key's fingerprint and the cells.
    """
    opened = open_bundle(data)
    manifest, bundle_id, signer = verify_envelope(opened, keys)
    check_digests(opened, manifest)
    try:
        cells = read_cells(opened.members["cells.csv"])
    except ReleaseError as exc:
        raise BundleRejected("invalid_cells", str(exc)) from exc
    for c in cells:
        if c.city != manifest.city or c.season != manifest.scope.season:
            raise BundleRejected(
                "city_mismatch", f"row {'/'.join(c.key)} is not of {manifest.city}"
            )
    return manifest, bundle_id, signer, cells
