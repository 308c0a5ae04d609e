"""Backups that are just the signed bundles: export a hub to a folder, rebuild a hub from one.

Rule header: every cell a hub stores comes from a bundle its city signed, so the bundles *are*
the hub. An export is a plain folder::

    DIR/manifest.json                     format, network, the feed in order, every file's sha256
    DIR/cities.json                       the registry: cities, their public keys and the
                                          audit of their credentials (token hashes only
                                          when asked for)
    DIR/bundles/<city>/<seq>-<id>.zip     every stored bundle, its original bytes

``manifest.json`` is written last, so a folder without it is an unfinished export; exporting into
a folder that holds an earlier export rewrites only the bundles that are new. A rebuild trusts
nothing in the folder: it checks every file against the manifest, then replays the feed in order
through the hub's own ingest (the nine checks: signature against the registered keys, hashes,
schema, rules, the ``seq``/``prev`` chain), into an empty hub, and ends with the same cells,
heads and feed order; the recorded times are put back. While it replays, each city's token is a
fresh one known only to the rebuild, and every registered key is accepted (a key revoked after it
signed a bundle still verified that bundle); the registry's own token hashes and key states are
restored at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, func, select

from datacity_federation._sync import hub_store as t
from datacity_federation._sync.hub_ingest import hash_token, ingest, init_hub
from datacity_federation._sync.keys import fingerprint, public_key_from_hex
from datacity_federation.errors import DatacityError, HubRejected, ReleaseError

__all__ = [
    "EXPORT_FORMAT",
    "ExportReport",
    "RebuildReport",
    "export_hub",
    "read_export",
    "rebuild_hub",
    "replay_tokens",
    "write_tokens",
]

EXPORT_FORMAT = "datacity-hub-export"
EXPORT_MAJOR = 1
MANIFEST = "manifest.json"
CITIES = "cities.json"


def _iso(at: datetime) -> str:
    """UTC, without offset: SQLite hands back naive UTC times, PostgreSQL aware ones."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _maybe_time(text: str | None) -> datetime | None:
    return None if text is None else _time(text)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _dump(obj: Any) -> bytes:
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"


@dataclass(frozen=True, slots=True)
class ExportReport:
    folder: Path
    network: str
    cities: int
    bundles: int
    written: int
    """Bundle files written by this export (the others were already there, byte-equal)."""
    token_hashes: bool


def export_hub(engine: Engine, out_dir: Path, *, token_hashes: bool = False) -> ExportReport:
    """Write every stored bundle, the registry and the feed of the hub on ``engine`` to ``out_dir``.

    The feed is read first and only the bundles it names are written, so an export taken while
    cities push is a consistent prefix of the hub's history.
    """
    try:
        with Session(engine) as s:
            meta = s.get(t.HubMeta, "network")
            feed = list(s.exec(select(t.HubFeed).order_by(t.HubFeed.cursor)))  # type: ignore[arg-type]
            cities = list(s.exec(select(t.HubCity).order_by(t.HubCity.city)))
            keys = list(s.exec(select(t.HubKey).order_by(t.HubKey.city, t.HubKey.added_at)))  # type: ignore[arg-type]
            audit = list(s.exec(select(t.HubAudit).order_by(t.HubAudit.id)))  # type: ignore[arg-type]
    except SQLAlchemyError as exc:
        raise DatacityError(
            f"cannot read a hub in this database ({type(exc).__name__}): nothing to export"
        ) from None
    if meta is None:
        raise DatacityError("this database holds no hub (no network recorded): nothing to export")
    network = meta.value
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    if manifest_path.exists():
        manifest_path.unlink()  # the folder is unfinished until the new manifest is written
    registry = [
        {
            "city": c.city,
            "created_at": _iso(c.created_at),
            **({"token_hash": c.token_hash} if token_hashes else {}),
            "keys": [
                {
                    "fingerprint": k.fingerprint,
                    "public_key": k.public_key,
                    "active": k.active,
                    "added_at": _iso(k.added_at),
                    "revoked_at": _iso(k.revoked_at) if k.revoked_at else None,
                }
                for k in keys
                if k.city == c.city
            ],
            "audit": [
                {"id": a.id, "at": _iso(a.at), "action": a.action, "detail": a.detail}
                for a in audit
                if a.city == c.city
            ],
        }
        for c in cities
    ]
    cities_bytes = _dump(registry)
    (out_dir / CITIES).write_bytes(cities_bytes)
    entries: list[dict[str, Any]] = []
    written = 0
    with Session(engine) as s:
        for item in feed:
            row = s.get(t.HubBundle, item.bundle_id)
            if row is None:  # pragma: no cover - the feed and the bundle commit together
                raise DatacityError(f"feed entry {item.cursor} names a missing bundle")
            rel = f"bundles/{row.city}/{row.seq:06d}-{row.bundle_id}.zip"
            path = out_dir / rel
            digest = _sha(row.data)
            if not (path.is_file() and _sha(path.read_bytes()) == digest):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(row.data)
                written += 1
            entries.append(
                {
                    "cursor": item.cursor,
                    "bundle_id": row.bundle_id,
                    "city": row.city,
                    "season": row.season,
                    "seq": row.seq,
                    "action": row.action,
                    "received_at": _iso(row.received_at),
                    "at": _iso(item.at),
                    "file": rel,
                    "sha256": digest,
                    "size": len(row.data),
                }
            )
            s.expunge_all()  # keep one bundle's bytes in memory at a time
    manifest = {
        "format": EXPORT_FORMAT,
        "major": EXPORT_MAJOR,
        "network": network,
        "exported_at": _iso(datetime.now(UTC)),
        "token_hashes": token_hashes,
        "cities_file": {"file": CITIES, "sha256": _sha(cities_bytes)},
        "feed": entries,
    }
    tmp = out_dir / (MANIFEST + ".partial")
    tmp.write_bytes(_dump(manifest))
    tmp.replace(manifest_path)
    return ExportReport(out_dir, network, len(cities), len(entries), written, token_hashes)


@dataclass(frozen=True, slots=True)
class Export:
    """An export folder whose manifest and registry were read and checked against their hashes."""

    folder: Path
    network: str
    token_hashes: bool
    registry: list[dict[str, Any]]
    feed: list[dict[str, Any]]


def _bad(folder: Path, detail: str) -> DatacityError:
    return DatacityError(f"{folder}: not a usable hub export: {detail}")


def read_export(folder: Path) -> Export:
    """Read ``folder/manifest.json`` and the registry it names; refuse anything inconsistent."""
    path = folder / MANIFEST
    if not path.is_file():
        raise _bad(folder, f"no {MANIFEST} (an unfinished export, or not an export)")
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad(folder, f"{MANIFEST} is not JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise _bad(folder, f"{MANIFEST} is not a {EXPORT_FORMAT} manifest")
    if doc.get("major") != EXPORT_MAJOR:
        raise _bad(folder, f"major version {doc.get('major')!r} (this reader knows {EXPORT_MAJOR})")
    try:
        cities_ref = doc["cities_file"]
        cities_bytes = (folder / str(cities_ref["file"])).read_bytes()
        if _sha(cities_bytes) != cities_ref["sha256"]:
            raise _bad(folder, f"{cities_ref['file']} does not match its sha256 in {MANIFEST}")
        registry = json.loads(cities_bytes)
        feed = list(doc["feed"])
        cursors = [int(e["cursor"]) for e in feed]
        for e in feed:
            for name in ("bundle_id", "city", "seq", "file", "sha256", "received_at", "at"):
                if name not in e:
                    raise _bad(folder, f"feed entry {e.get('cursor')} has no {name}")
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise _bad(folder, f"{type(exc).__name__}: {exc}") from None
    if cursors != sorted(set(cursors)):
        raise _bad(folder, "the feed's cursors are not strictly increasing")
    return Export(folder, str(doc["network"]), bool(doc.get("token_hashes")), registry, feed)


@dataclass
class RebuildReport:
    network: str
    cities: int = 0
    bundles: int = 0
    cells: int = 0
    new_tokens: dict[str, str] = field(default_factory=dict)
    """When the export held no token hashes: each city's new bearer token (give it to the city)."""


def replay_tokens(engine: Engine, cities: list[str]) -> dict[str, str]:
    """Give each of ``cities`` a fresh bearer token known only to the caller; return them.

    The hub's ingest is the only way in (it runs the nine checks); a rebuild or a mirror pushes
    through it with these tokens, and sets the real token hashes afterwards (if any).
    """
    tokens = {c: "dcr_" + secrets.token_urlsafe(32) for c in cities}
    with Session(engine) as s:
        for city, token in tokens.items():
            s.execute(
                update(t.HubCity).where(t.HubCity.city == city).values(token_hash=hash_token(token))  # type: ignore[arg-type]
            )
        s.commit()
    return tokens


def _is_empty(engine: Engine) -> bool:
    with Session(engine) as s:
        return not (s.exec(select(t.HubCity)).first() or s.exec(select(t.HubBundle)).first())


def rebuild_hub(engine: Engine, folder: Path) -> RebuildReport:
    """Re-verify every bundle of the export in ``folder`` and replay them into the empty hub on
    ``engine``: same cells, heads and feed order as the exported hub."""
    export = read_export(folder)
    if not _is_empty(engine):
        raise DatacityError("the target hub database is not empty: rebuild into a new database")
    init_hub(engine, export.network)
    report = RebuildReport(network=export.network)
    _register(engine, export.registry)
    tokens = replay_tokens(engine, [c["city"] for c in export.registry])
    for entry in export.feed:
        path = export.folder / entry["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _bad(folder, f"{entry['file']}: {exc.strerror or exc}") from None
        if _sha(data) != entry["sha256"]:
            raise _bad(folder, f"{entry['file']} does not match its sha256 in {MANIFEST}")
        city = str(entry["city"])
        if city not in tokens:
            raise _bad(folder, f"{entry['file']}: city {city!r} is not in {CITIES}")
        try:
            got = ingest(engine, city=city, token=tokens[city], body=data)
        except HubRejected as exc:
            raise DatacityError(
                f"{path}: refused by the hub's checks: {exc.error}: {exc.detail} "
                f"(the database holds the {report.bundles} bundle(s) before it)"
            ) from None
        if got.status != 201 or got.bundle_id != entry["bundle_id"]:
            raise _bad(folder, f"{entry['file']} is not the bundle its feed entry names")
        report.bundles += 1
    _restore(engine, export, report)
    with Session(engine) as s:
        report.cells = int(s.exec(select(func.count()).select_from(t.HubCell)).one())
        feed = s.exec(select(t.HubFeed).order_by(t.HubFeed.cursor))  # type: ignore[arg-type]
        rebuilt = [(f.cursor, f.bundle_id) for f in feed]
    if rebuilt != [(int(e["cursor"]), e["bundle_id"]) for e in export.feed]:
        raise DatacityError("the rebuilt feed differs from the exported one (cursors or order)")
    report.cities = len(export.registry)
    return report


def _register(engine: Engine, registry: list[dict[str, Any]]) -> None:
    """The cities and every key, all keys accepted while the chain is replayed."""
    with Session(engine) as s:
        for c in registry:
            s.add(
                t.HubCity(
                    city=c["city"],
                    token_hash="replay-" + secrets.token_hex(16),
                    created_at=_time(c["created_at"]),
                )
            )
        s.flush()
        for c in registry:
            for k in c["keys"]:
                try:
                    key = public_key_from_hex(str(k["public_key"]))
                except ReleaseError as exc:
                    raise DatacityError(f"{CITIES}: city {c['city']}: {exc}") from None
                if fingerprint(key) != k["fingerprint"]:
                    raise DatacityError(
                        f"{CITIES}: city {c['city']}: key {k['fingerprint']} is not the "
                        "fingerprint of the key it lists"
                    )
                s.add(
                    t.HubKey(
                        fingerprint=k["fingerprint"],
                        city=c["city"],
                        public_key=k["public_key"],
                        active=True,
                        added_at=_time(k["added_at"]),
                    )
                )
        s.commit()


def _restore(engine: Engine, export: Export, report: RebuildReport) -> None:
    """Put back the recorded times, key states, credential audit and token hashes (or new
    tokens)."""
    times: Mapping[str, dict[str, Any]] = {e["bundle_id"]: e for e in export.feed}
    bundle_t = t.HubBundle.__table__  # type: ignore[attr-defined]
    feed_t = t.HubFeed.__table__  # type: ignore[attr-defined]
    with Session(engine) as s:
        if export.feed:  # one statement per table, run for every entry (executemany)
            s.execute(
                update(bundle_t)
                .where(bundle_t.c.bundle_id == bindparam("b_id"))
                .values(received_at=bindparam("b_at")),
                [{"b_id": e["bundle_id"], "b_at": _time(e["received_at"])} for e in export.feed],
            )
            s.execute(
                update(feed_t)
                .where(feed_t.c.cursor == bindparam("b_cursor"))
                .values(at=bindparam("b_at")),
                [{"b_cursor": int(e["cursor"]), "b_at": _time(e["at"])} for e in export.feed],
            )
        for season in s.exec(select(t.HubSeason)):
            season.updated_at = _time(times[season.bundle_id]["received_at"])
            s.add(season)
        for c in export.registry:
            for k in c["keys"]:
                s.execute(
                    update(t.HubKey)
                    .where(t.HubKey.fingerprint == k["fingerprint"])
                    .values(active=bool(k["active"]), revoked_at=_maybe_time(k["revoked_at"]))
                )
            if export.token_hashes and c.get("token_hash"):
                token_hash = str(c["token_hash"])
            else:
                token = "dch_" + secrets.token_urlsafe(32)
                report.new_tokens[c["city"]] = token
                token_hash = hash_token(token)
            s.execute(
                update(t.HubCity).where(t.HubCity.city == c["city"]).values(token_hash=token_hash)
            )
        audit = sorted((a["id"], c["city"], a) for c in export.registry for a in c.get("audit", []))
        for audit_id, city, a in audit:
            s.add(
                t.HubAudit(
                    id=audit_id,
                    at=_time(a["at"]),
                    city=city,
                    action=str(a["action"]),
                    detail=str(a.get("detail", "")),
                )
            )
        s.commit()


def write_tokens(path: Path, tokens: Mapping[str, str]) -> None:
    """Write ``city token`` lines to a new file readable by its owner only (0600)."""
    if path.exists():
        raise DatacityError(f"{path} already exists: tokens are never overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.writelines(f"{city} {token}\n" for city, token in sorted(tokens.items()))
