"""Credentials of the cities at the hub: bearer tokens rotated and revoked, every change audited.

Rule header: the hub keeps only the sha256 of a city's token. Rotating replaces it by the hash of
a new token, shown once; the old token stops working at once. Revoking leaves the city with no
working token (its hash column then holds ``revoked:`` and random text, which no sha256 hex can
equal) until the next rotation. Every change of a city's credentials (city added, key added or
revoked, token rotated or revoked) writes a ``hub_audit`` row in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from datacity_federation._sync.hub_store import HubAudit, HubCity, now_utc
from datacity_federation.errors import DatacityError

__all__ = [
    "AuditEntry",
    "audit",
    "audit_log",
    "hash_token",
    "new_token",
    "revoke_token",
    "rotate_token",
]

REVOKED = "revoked:"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "dch_" + secrets.token_urlsafe(32)


def audit(s: Session, *, city: str, action: str, detail: str = "") -> None:
    """Add an audit row to the session's transaction (committed with the change it records)."""
    s.add(HubAudit(at=now_utc(), city=city, action=action, detail=detail))


def _city(s: Session, city: str) -> HubCity:
    row = s.get(HubCity, city)
    if row is None:
        raise DatacityError(f"unknown city {city!r} (use add-city)")
    return row


def rotate_token(engine: Engine, *, city: str) -> str:
    """Give ``city`` a new bearer token (returned once); the old one stops working now."""
    token = new_token()
    with Session(engine) as s:
        row = _city(s, city)
        row.token_hash = hash_token(token)
        s.add(row)
        audit(s, city=city, action="token_rotated")
        s.commit()
    return token


def revoke_token(engine: Engine, *, city: str) -> None:
    """Leave ``city`` without a working token until ``rotate_token``."""
    with Session(engine) as s:
        row = _city(s, city)
        if row.token_hash.startswith(REVOKED):
            raise DatacityError(f"the token of {city!r} is already revoked")
        row.token_hash = REVOKED + secrets.token_hex(16)
        s.add(row)
        audit(s, city=city, action="token_revoked")
        s.commit()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    city: str
    action: str
    detail: str


def audit_log(engine: Engine, *, city: str | None = None) -> list[AuditEntry]:
    """Every audited change, oldest first (of one city when ``city`` is given)."""
    with Session(engine) as s:
        query = select(HubAudit).order_by(HubAudit.id)  # type: ignore[arg-type]
        if city is not None:
            query = query.where(HubAudit.city == city)
        return [AuditEntry(r.at, r.city, r.action, r.detail) for r in s.exec(query).all()]
