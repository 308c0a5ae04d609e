"""The DSSE envelope of a bundle, parsed by types before any signature is verified.

Rule header: ``envelope.json`` is small and fixed in shape: ``payloadType``, ``payload`` (base64
of the canonical manifest) and ``signatures`` (``[{keyid, sig}]``). Parsing bounds the work: the
member is at most :data:`MAX_ENVELOPE_BYTES`, a ``keyid`` is a key fingerprint, a ``sig`` is the
base64 of exactly 64 bytes (an Ed25519 signature), and there are at most as many signatures as
the verifier has keys; anything else is refused before a single verification. Each signature is
then checked with the one key its ``keyid`` names (no key is tried against every signature), and
every signature must verify: the ``keyid`` is the fingerprint of the key that verified, never an
unchecked hint. The manifest must be the canonical JSON of its own parsed value, and the envelope
the canonical JSON of its parsed parts, so nothing outside the types rides along.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from datacity_federation._sync.manifest import (
    FORMAT,
    FORMAT_MAJOR,
    PAYLOAD_TYPE,
    Manifest,
    canonical_json,
    sha256_hex,
)
from datacity_federation.errors import ReleaseError

__all__ = [
    "MAX_ENVELOPE_BYTES",
    "MAX_PAYLOAD_BYTES",
    "MAX_SIGNATURES",
    "BundleRejected",
    "ParsedEnvelope",
    "envelope_bytes",
    "pae",
    "parse_envelope",
    "verify_signatures",
]

MAX_ENVELOPE_BYTES = 16 * 1024
"""Largest ``envelope.json`` (a real one is about 1.5 KB)."""
MAX_PAYLOAD_BYTES = 8 * 1024
"""Largest manifest (a real one is about 700 bytes)."""
MAX_SIGNATURES = 2
"""At most two keys of a city are active at once (during a rotation): at most two signatures."""

_B64 = r"^[A-Za-z0-9+/]*={0,2}$"
Fingerprint = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
Ed25519Sig = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/]{86}==$")]
"""Base64 of exactly 64 bytes."""


class BundleRejected(ReleaseError):
    """A bundle failed one of the checks; ``code`` is the hub's error code for it."""

    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SignatureEntry(_Strict):
    keyid: Fingerprint
    sig: Ed25519Sig


class Envelope(_Strict):
    payloadType: Annotated[str, StringConstraints(max_length=200)]
    payload: Annotated[
        str,
        StringConstraints(min_length=4, max_length=MAX_PAYLOAD_BYTES * 4 // 3 + 4, pattern=_B64),
    ]
    signatures: Annotated[list[SignatureEntry], Field(min_length=1, max_length=MAX_SIGNATURES)]


@dataclass(frozen=True, slots=True)
class ParsedEnvelope:
    """An envelope whose every part passed its type: nothing is verified yet."""

    payload: bytes
    manifest: Manifest
    signatures: tuple[tuple[str, bytes], ...]
    """``(keyid, 64 signature bytes)``, in the envelope's order."""

    @property
    def bundle_id(self) -> str:
        return sha256_hex(self.payload)


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding: what is signed."""
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def envelope_bytes(payload: bytes, signatures: list[tuple[str, bytes]]) -> bytes:
    """The canonical ``envelope.json``: signatures sorted by ``keyid``."""
    env: dict[str, Any] = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [
            {"keyid": k, "sig": base64.b64encode(s).decode("ascii")}
            for k, s in sorted(signatures, key=lambda ks: ks[0])
        ],
    }
    return canonical_json(env)


def _refusal(exc: ValidationError) -> BundleRejected:
    first = exc.errors()[0]
    loc = first["loc"]
    where = ".".join(str(p) for p in loc) or "envelope"
    if loc == ("signatures",) and first["type"] == "too_long":
        return BundleRejected(
            "too_many_signatures", f"an envelope carries at most {MAX_SIGNATURES} signatures"
        )
    return BundleRejected("bad_envelope", f"envelope.json {where}: {first['msg']}")


def parse_envelope(data: bytes) -> ParsedEnvelope:
    """Check 2: the envelope, its payload type, the manifest's format and version and its type."""
    if len(data) > MAX_ENVELOPE_BYTES:
        raise BundleRejected("bad_envelope", f"envelope.json passes {MAX_ENVELOPE_BYTES} bytes")
    try:
        env = Envelope.model_validate_json(data)
    except ValidationError as exc:
        raise _refusal(exc) from None
    if env.payloadType != PAYLOAD_TYPE:
        raise BundleRejected(
            "unsupported_payload", f"payloadType {env.payloadType[:80]!r} not supported"
        )
    try:
        payload = base64.b64decode(env.payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BundleRejected("bad_envelope", f"payload: bad base64: {exc}") from None
    signatures = tuple((s.keyid, base64.b64decode(s.sig)) for s in env.signatures)
    if len({k for k, _ in signatures}) != len(signatures):
        raise BundleRejected("bad_envelope", "two signatures name the same keyid")
    try:
        head = json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BundleRejected("bad_envelope", f"payload is not JSON: {exc}") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BundleRejected("unsupported_format", f"payload is not a {FORMAT} manifest")
    if head.get("major") != FORMAT_MAJOR:
        raise BundleRejected(
            "unsupported_format",
            f"format {FORMAT} major version {str(head.get('major'))[:10]} is not supported "
            f"(this reader knows {FORMAT_MAJOR})",
        )
    try:
        manifest = Manifest.model_validate_json(payload, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "manifest"
        raise BundleRejected("bad_manifest", f"manifest {where}: {first['msg']}") from None
    if manifest.to_bytes() != payload:
        raise BundleRejected(
            "non_canonical", "the manifest is not the canonical JSON of its own fields"
        )
    parsed = ParsedEnvelope(payload, manifest, signatures)
    if envelope_bytes(payload, list(signatures)) != data:
        raise BundleRejected("non_canonical", "envelope.json is not in its canonical form")
    return parsed


def verify_signatures(env: ParsedEnvelope, keys: Mapping[str, Ed25519PublicKey]) -> str:
    """Check 3: every signature verifies with the key its ``keyid`` names among ``keys`` (the
    city's active keys, by fingerprint). Return the fingerprint of the first signer."""
    if not keys:
        raise BundleRejected("bad_signature", "the city has no active key")
    if len(env.signatures) > len(keys):
        raise BundleRejected(
            "too_many_signatures",
            f"{len(env.signatures)} signatures for {len(keys)} active key(s) of the city",
        )
    message = pae(PAYLOAD_TYPE, env.payload)
    for keyid, sig in env.signatures:
        key = keys.get(keyid)
        if key is None:
            raise BundleRejected(
                "bad_signature", f"keyid {keyid} names none of the city's active keys"
            )
        try:
            key.verify(sig, message)
        except InvalidSignature:
            raise BundleRejected(
                "bad_signature", f"the signature of keyid {keyid} does not verify"
            ) from None
    return env.signatures[0][0]
