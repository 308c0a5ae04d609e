"""The hub's write side: register cities and keys, and ingest a pushed bundle (the nine checks).

Rule header (the rule book, section 4): the work done before trust is bounded: the token and
the URL city are settled first (401, 403) with one indexed query, before any unzip or signature;
then the checks run in this order and nothing is written before all pass: 1 body size and safe
unzip; 2 envelope and manifest by their types, payload type, format major version; 3 signatures
(at most one per active key of the URL city; each ``keyid`` must name the active key that
verifies it); 4 URL city = token city = manifest city, and the network is the hub's; 5 member
hashes, then the canonical layout (``datapackage.json`` and the zip rebuilt from the manifest
and members must equal the bytes sent); 6 ``cells.csv`` against the hub's own pinned schema,
every row of the URL city and the scope's season; 7 the rules that need no record; 8 sequence
(a known ``bundle_id`` is a no-op 200; else ``seq`` = head + 1 and ``prev`` = head, or 409 with
the head); 9 one transaction that stores the bundle, replaces (or tombstones: only a season
released and not yet retracted) the city-season's cells and appends to the feed. The
transaction takes the feed counter's row lock first, so concurrent ingests (threads, processes,
workers on one PostgreSQL) serialize and the unique ``(city, seq)`` is only a backstop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from datacity_federation._privacy.rules import PROFILE_VERSIONS, published_problems
from datacity_federation._sync.bundle import (
    MAX_BUNDLE_BYTES,
    BundleRejected,
    check_canonical,
    check_digests,
    open_bundle,
    read_canonical_cells,
    verify_envelope,
)
from datacity_federation._sync.cells_csv import format_decimal
from datacity_federation._sync.envelope import MAX_SIGNATURES
from datacity_federation._sync.hub_admin import audit, hash_token, new_token
from datacity_federation._sync.hub_store import (
    HubBundle,
    HubCell,
    HubCity,
    HubFeed,
    HubKey,
    HubMeta,
    HubSeason,
    now_utc,
)
from datacity_federation._sync.keys import fingerprint, public_key_from_hex, public_key_hex
from datacity_federation._sync.manifest import Action, Manifest
from datacity_federation.domain.release import Cell
from datacity_federation.errors import DatacityError, HubRejected

__all__ = [
    "Accepted",
    "HubConflict",
    "add_city",
    "hash_token",
    "ingest",
    "init_hub",
    "revoke_key",
    "rotate_key",
]

STATUS = {
    "body_too_large": 413,
    "too_large_unzipped": 413,
    "bad_signature": 403,
    "city_mismatch": 403,
    "invalid_cells": 422,
    "rule_violation": 422,
    "unknown_profile": 422,
}
MAX_ACTIVE_KEYS = MAX_SIGNATURES
HUB_CELL = HubCell.__table__  # type: ignore[attr-defined]


class HubConflict(HubRejected):
    """409: the bundle does not extend the city's chain; carries the hub's head."""

    def __init__(self, detail: str, head_seq: int, head_id: str | None) -> None:
        self.head_seq = head_seq
        self.head_id = head_id
        super().__init__(409, "conflict", detail)


@dataclass(frozen=True, slots=True)
class Accepted:
    status: int
    """201 stored, 200 already known (nothing changed)."""
    bundle_id: str
    city: str
    seq: int
    season: str
    action: str


def _reject(exc: BundleRejected) -> HubRejected:
    return HubRejected(STATUS.get(exc.code, 400), exc.code, exc.detail)


def init_hub(engine: Engine, network: str | None) -> str:
    """Record the hub's network on first use; refuse another network later. Return it."""
    with Session(engine) as s:
        row = s.get(HubMeta, "network")
        if row is None:
            if network is None:
                raise DatacityError("the hub database has no network yet: give --network")
            s.add(HubMeta(key="network", value=network))
            if s.get(HubMeta, "feed_cursor") is None:
                s.add(HubMeta(key="feed_cursor", value="0"))
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                return init_hub(engine, network)
            return network
        if network is not None and row.value != network:
            raise DatacityError(f"this hub serves network {row.value!r}, not {network!r}")
        return row.value


def add_city(engine: Engine, *, city: str, public_key: Ed25519PublicKey) -> str:
    """Register ``city`` with its first key; return its bearer token (only its hash is kept)."""
    token = new_token()
    with Session(engine) as s:
        if s.get(HubCity, city) is not None:
            raise DatacityError(f"city {city!r} is already registered (use rotate-key)")
        fp = fingerprint(public_key)
        if s.get(HubKey, fp) is not None:
            raise DatacityError(f"key {fp} is already registered")
        s.add(HubCity(city=city, token_hash=hash_token(token), created_at=now_utc()))
        s.flush()
        s.add(
            HubKey(
                fingerprint=fp, city=city, public_key=public_key_hex(public_key), added_at=now_utc()
            )
        )
        audit(s, city=city, action="city_added", detail=fp)
        s.commit()
    return token


def rotate_key(engine: Engine, *, city: str, public_key: Ed25519PublicKey) -> str:
    """Add a new active key for ``city`` (two may be active during a rotation)."""
    with Session(engine) as s:
        if s.get(HubCity, city) is None:
            raise DatacityError(f"unknown city {city!r} (use add-city)")
        fp = fingerprint(public_key)
        if s.get(HubKey, fp) is not None:
            raise DatacityError(f"key {fp} is already registered")
        active = s.exec(select(HubKey).where(HubKey.city == city, HubKey.active == True)).all()  # noqa: E712
        if len(active) >= MAX_ACTIVE_KEYS:
            raise DatacityError(
                f"city {city!r} already has {len(active)} active keys; revoke one first "
                f"({', '.join(k.fingerprint for k in active)})"
            )
        s.add(
            HubKey(
                fingerprint=fp, city=city, public_key=public_key_hex(public_key), added_at=now_utc()
            )
        )
        audit(s, city=city, action="key_added", detail=fp)
        s.commit()
        return fp


def revoke_key(engine: Engine, *, city: str, key_fingerprint: str) -> None:
    """Revoke a key: nothing it signs is accepted any more."""
    with Session(engine) as s:
        key = s.get(HubKey, key_fingerprint)
        if key is None or key.city != city:
            raise DatacityError(f"city {city!r} has no key {key_fingerprint}")
        key.active = False
        key.revoked_at = now_utc()
        s.add(key)
        audit(s, city=city, action="key_revoked", detail=key_fingerprint)
        s.commit()


def _head(s: Session, city: str) -> tuple[int, str | None]:
    last = s.exec(
        select(HubBundle).where(HubBundle.city == city).order_by(HubBundle.seq.desc()).limit(1)  # type: ignore[attr-defined]
    ).first()
    return (last.seq, last.bundle_id) if last else (0, None)


def _sequence(s: Session, manifest: Manifest, bundle_id: str) -> Accepted | None:
    """Check 8: ``None`` when the bundle extends the chain; an ``Accepted`` 200 when known."""
    # The head is read before the known-bundle lookup: a concurrent push of the same bundle that
    # commits in between is then found as known (200), never mistaken for a conflict.
    seq, head = _head(s, manifest.city)
    known = s.get(HubBundle, bundle_id)
    if known is not None:
        return Accepted(200, bundle_id, known.city, known.seq, known.season, known.action)
    if manifest.seq != seq + 1 or manifest.prev != head:
        raise HubConflict(
            f"bundle seq {manifest.seq} (prev {manifest.prev}) does not extend the head: "
            f"seq {seq}, id {head}",
            seq,
            head,
        )
    return None


def ingest(
    engine: Engine,
    *,
    city: str,
    token: str | None,
    body: bytes,
    max_bytes: int = MAX_BUNDLE_BYTES,
) -> Accepted:
    """Run the nine checks on a pushed bundle and store it; raise :class:`HubRejected`."""
    with Session(engine) as s:
        if token and len(body) <= max_bytes:
            # The very same bytes this city pushed before (same token, same URL), signed by a key
            # still active: every check passed when they were stored, and a repeat changes
            # nothing. Check 8's no-op, answered in one query, without unzipping, verifying and
            # parsing again.
            same = s.exec(
                select(HubBundle)
                .join(HubCity, HubCity.city == HubBundle.city)  # type: ignore[arg-type]
                .join(HubKey, HubKey.fingerprint == HubBundle.signed_by)  # type: ignore[arg-type]
                .where(
                    HubCity.token_hash == hash_token(token),
                    HubBundle.city == city,
                    HubBundle.body_sha256 == hashlib.sha256(body).hexdigest(),
                    HubKey.active == True,  # noqa: E712
                )
            ).first()
            if same is not None:
                return Accepted(200, same.bundle_id, same.city, same.seq, same.season, same.action)
        token_city = (
            s.exec(select(HubCity.city).where(HubCity.token_hash == hash_token(token))).first()
            if token
            else None
        )
        if token_city is None:
            raise HubRejected(401, "unauthorized", "missing or unknown bearer token")
        if token_city != city:
            # Settled before any unzip or signature work: a token pushes for its own city only.
            raise HubRejected(403, "city_mismatch", f"this token is not {city[:64]!r}'s (URL city)")
        active = s.exec(select(HubKey).where(HubKey.city == city, HubKey.active == True)).all()  # noqa: E712
        keys = {k.fingerprint: public_key_from_hex(k.public_key) for k in active}
        meta = s.get(HubMeta, "network")
        network = meta.value if meta is not None else ""
    try:
        opened = open_bundle(body, max_bytes=max_bytes)  # 1
        env, signer = verify_envelope(opened, keys)  # 2, 3
    except BundleRejected as exc:
        raise _reject(exc) from None
    manifest, bundle_id = env.manifest, env.bundle_id
    # 4: one city everywhere, the hub's network
    if manifest.city != city:
        raise HubRejected(
            403, "city_mismatch", f"manifest city {manifest.city!r} is not the URL city {city!r}"
        )
    if manifest.network != network:
        raise HubRejected(
            400,
            "network_mismatch",
            f"bundle is for network {manifest.network!r}, this hub serves {network!r}",
        )
    try:
        check_digests(opened, manifest)  # 5
        check_canonical(opened, body, manifest)
        cells = read_canonical_cells(opened)  # 6
    except BundleRejected as exc:
        raise _reject(exc) from None
    for c in cells:
        if c.city != city:
            raise HubRejected(403, "city_mismatch", f"rows of another city: {c.city!r}")
        if c.season != manifest.scope.season:
            raise HubRejected(
                422,
                "invalid_cells",
                f"row {'/'.join(c.key)} is outside the scope {manifest.scope.season}",
            )
    if manifest.scope.end < manifest.scope.start:
        raise HubRejected(422, "invalid_cells", "scope ends before it starts")
    profile = PROFILE_VERSIONS.get((manifest.rules.profile, manifest.rules.version))  # 7
    if profile is None:
        raise HubRejected(
            422,
            "unknown_profile",
            f"unknown disclosure profile {manifest.rules.profile} v{manifest.rules.version}",
        )
    if manifest.action is Action.RETRACT and cells:
        raise HubRejected(422, "rule_violation", "a retraction carries no cell")
    problems = published_problems(cells, profile)
    if problems:
        raise HubRejected(422, "rule_violation", problems[0])
    with Session(engine) as s:
        known = _sequence(s, manifest, bundle_id)  # 8
        if known is not None:
            return known
    return _store(engine, manifest, bundle_id, signer, body, cells)


def _store(
    engine: Engine, manifest: Manifest, bundle_id: str, signer: str, body: bytes, cells: list[Cell]
) -> Accepted:
    """Check 9: one transaction, under the feed counter's row lock."""
    try:
        with Session(engine) as s:
            # The first statement is a write on the counter row: it takes the row lock on
            # PostgreSQL and the write lock on SQLite before anything is read, so concurrent
            # ingests serialize here and each sees the head the previous one committed.
            s.execute(
                update(HubMeta)
                .where(HubMeta.key == "feed_cursor")  # type: ignore[arg-type]
                .values(value=HubMeta.value)
            )
            counter = s.exec(select(HubMeta).where(HubMeta.key == "feed_cursor")).one()
            known = _sequence(s, manifest, bundle_id)
            if known is not None:
                return known
            at = now_utc()
            scope = manifest.scope
            season = s.get(HubSeason, (manifest.city, scope.season))
            if manifest.action is Action.RETRACT and (season is None or season.retracted):
                raise HubRejected(
                    422,
                    "bad_retraction",
                    f"season {scope.season!r} of {manifest.city} "
                    + ("is already retracted" if season else "was never released"),
                )
            s.add(
                HubBundle(
                    bundle_id=bundle_id,
                    city=manifest.city,
                    seq=manifest.seq,
                    prev=manifest.prev,
                    season=scope.season,
                    action=manifest.action.value,
                    signed_by=signer,
                    received_at=at,
                    size=len(body),
                    body_sha256=hashlib.sha256(body).hexdigest(),
                    data=body,
                )
            )
            if season is None:
                season = HubSeason(
                    city=manifest.city,
                    season=scope.season,
                    season_number=scope.season_number,
                    start=scope.start,
                    end=scope.end,
                    end_year=scope.end.year,
                    currency=scope.currency,
                    bundle_id=bundle_id,
                    seq=manifest.seq,
                    updated_at=at,
                )
            season.season_number = scope.season_number
            season.start, season.end, season.end_year = scope.start, scope.end, scope.end.year
            season.currency = scope.currency
            season.bundle_id, season.seq, season.updated_at = bundle_id, manifest.seq, at
            season.retracted = manifest.action is Action.RETRACT
            s.add(season)
            s.execute(
                delete(HubCell).where(
                    HubCell.city == manifest.city,  # type: ignore[arg-type]
                    HubCell.season == scope.season,  # type: ignore[arg-type]
                )
            )
            if cells:
                s.execute(
                    insert(HUB_CELL),
                    [
                        {
                            "city": c.city,
                            "season": c.season,
                            "metric": c.metric.value,
                            "theme": c.theme,
                            "dim": c.dim,
                            "value": None if c.value is None else format_decimal(c.value),
                            "unit": c.unit.value,
                            "status": c.status.value,
                            "bundle_id": bundle_id,
                        }
                        for c in cells
                    ],
                )
            cursor = int(counter.value) + 1
            counter.value = str(cursor)
            s.add(counter)
            s.add(
                HubFeed(
                    cursor=cursor,
                    bundle_id=bundle_id,
                    city=manifest.city,
                    season=scope.season,
                    seq=manifest.seq,
                    action=manifest.action.value,
                    at=at,
                )
            )
            s.commit()
    except IntegrityError:
        # Another worker stored (city, seq) first: answer as check 8 would now.
        with Session(engine) as s:
            known = _sequence(s, manifest, bundle_id)
            if known is not None:
                return known
        raise HubRejected(
            409, "conflict", "a concurrent push took this seq"
        ) from None  # pragma: no cover
    return Accepted(
        201, bundle_id, manifest.city, manifest.seq, manifest.scope.season, manifest.action.value
    )
