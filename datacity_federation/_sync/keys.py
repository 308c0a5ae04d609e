"""Ed25519 signing keys of a city: generate, save (0600), load, fingerprint.

Rule header: the private key stays with the city, in a file readable by its owner only (0600)
or in the environment variable named by the caller; the hub registers the public key out of band
and knows it by its fingerprint, ``sha256:`` + hex of the raw 32-byte public key.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from datacity_federation.errors import ReleaseError

__all__ = [
    "fingerprint",
    "generate_key_files",
    "load_private_key",
    "load_public_key",
    "public_key_from_hex",
    "public_key_hex",
]


def public_key_hex(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def public_key_from_hex(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text))
    except ValueError as exc:
        raise ReleaseError(f"not an Ed25519 public key: {exc}") from exc


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def generate_key_files(*, city: str, out_dir: Path, force: bool = False) -> tuple[Path, Path, str]:
    """Write ``<city>.key`` (PKCS#8 PEM, mode 0600) and ``<city>.pub``; return both and the
    fingerprint. An existing private key is never overwritten unless ``force``."""
    key = Ed25519PrivateKey.generate()
    out_dir.mkdir(parents=True, exist_ok=True)
    private = out_dir / f"{city}.key"
    public = out_dir / f"{city}.pub"
    if private.exists() and not force:
        raise ReleaseError(f"{private} already exists (use --force to replace it)")
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    if private.exists():
        private.unlink()
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    private.chmod(0o600)
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public, fingerprint(key.public_key())


def _private_from_bytes(data: bytes, where: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data.strip() + b"\n", password=None)
    except (ValueError, TypeError) as exc:
        raise ReleaseError(f"{where}: not a PEM private key ({exc})") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ReleaseError(f"{where}: not an Ed25519 private key")
    return key


def load_private_key(*, path: Path | None = None, env: str | None = None) -> Ed25519PrivateKey:
    """The city's private key from the environment variable ``env`` (PEM text) when set, else
    from ``path``, whose permissions must not let others read it."""
    if env and os.environ.get(env):
        return _private_from_bytes(os.environ[env].encode(), f"${env}")
    if path is None:
        raise ReleaseError(
            f"no signing key: give --key FILE or set ${env or 'DATACITY_SIGNING_KEY'}"
        )
    if not path.is_file():
        raise ReleaseError(f"{path}: no such key file (create one with `datacity keys generate`)")
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise ReleaseError(f"{path}: private key readable by others; run chmod 600 {path}")
    return _private_from_bytes(path.read_bytes(), str(path))


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file (or a file holding the raw key as 64 hex characters)."""
    if not path.is_file():
        raise ReleaseError(f"{path}: no such public key file")
    data = path.read_bytes().strip()
    if len(data) == 64:
        return public_key_from_hex(data.decode("ascii", "replace"))
    try:
        key = serialization.load_pem_public_key(data + b"\n")
    except (ValueError, TypeError) as exc:
        raise ReleaseError(f"{path}: not a PEM public key ({exc})") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ReleaseError(f"{path}: not an Ed25519 public key")
    return key
