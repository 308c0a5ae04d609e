"""Use cases of the sync layer: build a city's releases into the outbox, push it, pull the feed.

Rule header: building is deterministic and content-addressed: a season whose cells did not
change since its last bundle builds nothing; a correction goes through the differencing check
against the chain of releases already built for that season. A bundle is committed to the
outbox before it is pushed and acknowledged only on the hub's 200/201, so faults lose nothing
and repeats change nothing. A 409 either shows the hub already holds our bundles (acknowledge,
or re-send what the hub lacks) or that the chain moved elsewhere (rebuild the pending bundles
on the hub's head).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from datacity_federation._privacy.facts import SeasonFacts, facts_from_json, facts_to_json
from datacity_federation._privacy.rules import DisclosureProfile
from datacity_federation._privacy.tables import Release, build_release
from datacity_federation.domain.city import City
from datacity_federation.domain.release import Cell
from datacity_federation.domain.season import Season
from datacity_federation.errors import DatacityError, EmptySeasonError, HubRejected, ReleaseError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy import Engine

    from datacity_federation._store.outbox import OutboxRow
    from datacity_federation._sync.client import HubClient
    from datacity_federation._sync.manifest import Action, Manifest

__all__ = [
    "Built",
    "PullReport",
    "SyncReport",
    "build_due",
    "build_release_file",
    "has_records",
    "pull_feed",
    "push_outbox",
    "queue_retraction",
    "release_of",
    "season_of",
]


@dataclass(frozen=True, slots=True)
class Built:
    season: str
    seq: int
    bundle_id: str


@dataclass
class SyncReport:
    built: list[Built] = field(default_factory=list)
    pushed: list[tuple[int, int]] = field(default_factory=list)
    """(seq, HTTP status) of each acknowledged push."""
    rebuilt: int = 0
    pending: int = 0


def season_of(city: City, season_id: str) -> Season:
    found = city.season(season_id)
    if found is None:
        known = ", ".join(s.id for s in city.seasons) or "none"
        raise DatacityError(f"city {city.id} has no season {season_id!r} (known: {known})")
    return found


def _rows(engine: Engine, city: str) -> list[OutboxRow]:
    from datacity_federation._store.outbox import outbox_rows

    return outbox_rows(engine, city)


def _chain_release(
    rows: list[OutboxRow], season: str, facts: SeasonFacts, profile: DisclosureProfile
) -> Release:
    """The release of ``facts`` after every release built before for the season (differencing)."""
    previous: Release | None = None
    for row in rows:
        if row.season_id == season and row.action == "upsert":
            previous = build_release(facts_from_json(row.facts), profile, previous=previous)
    return build_release(facts, profile, previous=previous)


def has_records(facts: SeasonFacts) -> bool:
    """Whether the season holds any programme record (an application, a pilot, a sponsorship or
    a contract value); what the city files say (challenges, partners, phases) is not a record."""
    return bool(facts.applications or facts.pilots or facts.sponsorships or facts.contracts)


def _refuse_empty(engine: Engine, city: City, empty: list[str]) -> None:
    from datacity_federation._store.engine import database_label

    if empty:
        raise EmptySeasonError(city.id, empty, database_label(engine))


def release_of(
    *,
    engine: Engine,
    city: City,
    season: Season,
    profile: DisclosureProfile,
    allow_empty: bool = False,
) -> Release:
    """The release the next sync would build for ``season`` (nothing written).

    A season without records is refused (:class:`EmptySeasonError`) unless ``allow_empty``."""
    from datacity_federation._store.facts import season_facts

    facts = season_facts(engine, city=city, season=season)
    _refuse_empty(engine, city, [] if allow_empty or has_records(facts) else [season.id])
    return _chain_release(_rows(engine, city.id), season.id, facts, profile)


def build_due(
    *,
    engine: Engine,
    city: City,
    network: str,
    profile: DisclosureProfile,
    key: Ed25519PrivateKey,
    today: date,
    seasons: list[str] | None = None,
    linkage: tuple[bytes, frozenset[str]] | None = None,
    allow_empty: bool = False,
) -> list[Built]:
    """Build a bundle into the outbox for every closed season whose cells changed.

    ``linkage`` is the network key and the other cities' pseudonyms: each release then counts
    its piloting start-ups that also pilot in another member city. When a season to build has no
    records at all, nothing is built and :class:`EmptySeasonError` names it, unless
    ``allow_empty`` (a season already released as it is builds nothing, so is never refused).
    """

    from datacity_federation._store.facts import season_facts
    from datacity_federation._sync.cells_csv import write_cells
    from datacity_federation._sync.manifest import Action, sha256_hex

    due: list[tuple[Season, SeasonFacts, Release, str]] = []
    rows = _rows(engine, city.id)
    for season in city.seasons:
        if not season.is_closed(today) or (seasons and season.id not in seasons):
            continue
        facts = season_facts(engine, city=city, season=season)
        if linkage is not None:
            from dataclasses import replace

            from datacity_federation._services.linkage import piloting_pseudonyms

            mine = piloting_pseudonyms(engine, city=city.id, key=linkage[0], season=season.id)
            facts = replace(facts, network_multi_city=len(mine & linkage[1]))
        release = _chain_release(rows, season.id, facts, profile)
        digest = sha256_hex(write_cells(release.cells))
        last = next((r for r in reversed(rows) if r.season_id == season.id), None)
        if last is not None and last.action == "upsert" and last.cells_sha256 == digest:
            continue
        if last is not None and last.action == "retract" and not (seasons and season.id in seasons):
            continue  # retracted: released again only when asked for by name
        due.append((season, facts, release, digest))
    if not allow_empty:
        _refuse_empty(engine, city, [s.id for s, facts, _, _ in due if not has_records(facts)])
    return [
        _append(
            engine,
            city=city,
            season=season,
            cells=release.cells,
            action=Action.UPSERT,
            facts_json=facts_to_json(facts),
            digest=digest,
            network=network,
            profile=profile,
            key=key,
        )
        for season, facts, release, digest in due
    ]


def build_release_file(
    *,
    engine: Engine,
    city: City,
    season: Season,
    network: str,
    profile: DisclosureProfile,
    key: Ed25519PrivateKey,
    today: date,
    out: Path,
    allow_empty: bool = False,
) -> Built:
    """Write the signed bundle of ``season``'s current release to ``out``, for a director to
    inspect (``release verify``) and push (``release push``).

    It is built into the outbox as ``sync`` builds it (a season unchanged since its last bundle
    gives that bundle again; a retracted one is released again), so the chain and the
    differencing check know it, and the next ``sync`` pushes it if nobody did. A season without
    records is refused unless ``allow_empty``.
    """
    if not out.parent.is_dir():
        raise DatacityError(f"{out}: no such folder {str(out.parent)!r}")
    if not season.is_closed(today):
        raise DatacityError(
            f"season {season.id} of {city.id} ends {season.end.isoformat()}: "
            "only closed seasons are released"
        )
    build_due(
        engine=engine, city=city, network=network, profile=profile, key=key, today=today,
        seasons=[season.id], allow_empty=allow_empty,
    )  # fmt: skip
    row = next(r for r in reversed(_rows(engine, city.id)) if r.season_id == season.id)
    if not allow_empty:  # unchanged since a bundle built with allow_empty
        _refuse_empty(engine, city, [] if has_records(facts_from_json(row.facts)) else [season.id])
    out.write_bytes(row.data)
    return Built(row.season_id, row.seq, row.bundle_id)


def _append(
    engine: Engine,
    *,
    city: City,
    season: Season,
    cells: tuple[Cell, ...],
    action: Action,
    facts_json: str,
    digest: str,
    network: str,
    profile: DisclosureProfile,
    key: Ed25519PrivateKey,
) -> Built:
    """Sign a bundle on top of the outbox's last one and commit it to the outbox."""
    from datacity_federation._store.outbox import add_outbox_rows
    from datacity_federation._sync.bundle import build_bundle
    from datacity_federation._sync.manifest import ReleaseScope, RulesRef

    rows = _rows(engine, city.id)
    head = rows[-1] if rows else None
    seq = (head.seq if head else 0) + 1
    data, manifest = build_bundle(
        cells=cells,
        network=network,
        city=city.id,
        seq=seq,
        prev=head.bundle_id if head else None,
        scope=ReleaseScope(
            season=season.id,
            season_number=season.number,
            start=season.start,
            end=season.end,
            currency=city.currency,
        ),
        action=action,
        rules=RulesRef(profile=profile.name, version=profile.version),
        key=key,
    )
    row = _outbox_row(
        manifest, data, season=season.id, digest=digest, facts=facts_json, profile=profile.name
    )
    add_outbox_rows(engine, [row])
    return Built(season.id, seq, manifest.bundle_id)


def queue_retraction(
    *,
    engine: Engine,
    city: City,
    season: Season,
    network: str,
    profile: DisclosureProfile,
    key: Ed25519PrivateKey,
) -> Built:
    """Put a retraction of ``season`` in the outbox (the hub tombstones its cells on push)."""
    from datacity_federation._sync.manifest import Action, sha256_hex

    rows = [r for r in _rows(engine, city.id) if r.season_id == season.id]
    if not rows or rows[-1].action == Action.RETRACT.value:
        raise DatacityError(f"season {season.id} of {city.id} has no release to retract")
    return _append(
        engine,
        city=city,
        season=season,
        cells=(),
        action=Action.RETRACT,
        facts_json=rows[-1].facts,
        digest=sha256_hex(b""),
        network=network,
        profile=profile,
        key=key,
    )


def _set_state(engine: Engine, city: str, seqs: list[int], state: str) -> None:
    from datacity_federation._store.outbox import set_outbox_state

    set_outbox_state(engine, city, seqs, state)


def _cells_of(data: bytes) -> list[Cell]:
    from datacity_federation._sync.cells_csv import read_cells

    return read_cells(zipfile.ZipFile(io.BytesIO(data)).read("cells.csv"))


def _rebuild(
    engine: Engine,
    city: str,
    head_seq: int,
    head_id: str | None,
    key: Ed25519PrivateKey,
) -> int:
    """Re-sign the pending bundles on top of the hub's head; return how many."""
    import base64
    import json

    from datacity_federation._store.outbox import add_outbox_rows
    from datacity_federation._sync.bundle import build_bundle
    from datacity_federation._sync.manifest import Manifest

    rows = _rows(engine, city)
    pending = [r for r in rows if r.state == "pending"]
    first = min(r.seq for r in pending)
    dropped = [r.seq for r in rows if r.seq >= first or r.seq > head_seq]
    rebuilt: list[OutboxRow] = []
    seq, prev = head_seq, head_id
    for r in sorted((r for r in rows if r.state == "pending" or r.seq > head_seq), key=_sort_key):
        zf = zipfile.ZipFile(io.BytesIO(r.data))
        env = json.loads(zf.read("envelope.json"))
        old = Manifest.model_validate_json(base64.b64decode(env["payload"]))
        seq += 1
        data, manifest = build_bundle(
            cells=_cells_of(r.data),
            network=old.network,
            city=city,
            seq=seq,
            prev=prev,
            scope=old.scope,
            action=old.action,
            rules=old.rules,
            key=key,
        )
        prev = manifest.bundle_id
        rebuilt.append(
            _outbox_row(
                manifest,
                data,
                season=r.season_id,
                digest=r.cells_sha256,
                facts=r.facts,
                profile=r.profile,
            )
        )
    add_outbox_rows(engine, rebuilt, replacing=dropped)
    return seq - head_seq


def _outbox_row(
    manifest: Manifest, data: bytes, *, season: str, digest: str, facts: str, profile: str
) -> OutboxRow:
    """The outbox row of a bundle just signed (pending until the hub acknowledges it)."""
    from datacity_federation._store.outbox import OutboxRow

    return OutboxRow(
        city_id=manifest.city,
        seq=manifest.seq,
        season_id=season,
        bundle_id=manifest.bundle_id,
        prev=manifest.prev,
        action=manifest.action.value,
        cells_sha256=digest,
        data=data,
        facts=facts,
        profile=profile,
        created_at=datetime.now(UTC),
    )


def _sort_key(row: OutboxRow) -> int:
    return row.seq


def _catch_up(engine: Engine, city: str, client: HubClient) -> None:
    """One round trip: ask the hub's head and line the outbox up with it before any upload.

    When the head is one of our bundles (or the hub holds none), everything up to it is
    acknowledged and everything after it is pending: bundles the hub already has are not sent
    again, and bundles it lacks (a hub restored from an older backup) are. A head that is not
    ours is left to the 409 path of the push (rebuild on the hub's head).
    """
    head_seq, head_id = client.head(city)
    rows = _rows(engine, city)
    mine = next((r for r in rows if r.bundle_id == head_id), None)
    if head_seq and (mine is None or mine.seq != head_seq):
        return
    acked = [r.seq for r in rows if r.seq <= head_seq and r.state != "acked"]
    again = [r.seq for r in rows if r.seq > head_seq and r.state != "pending"]
    if acked:
        _set_state(engine, city, acked, "acked")
    if again:
        _set_state(engine, city, again, "pending")


def push_outbox(
    *, engine: Engine, city: str, client: HubClient, key: Ed25519PrivateKey, rounds: int = 5
) -> SyncReport:
    """Ask the hub's head (one round trip), then push every bundle it lacks, in order, until the
    hub acknowledged them all. With nothing new, that head is the only request."""
    report = SyncReport()
    _catch_up(engine, city, client)
    for _ in range(rounds):
        pending = [r for r in _rows(engine, city) if r.state == "pending"]
        if not pending:
            return report
        conflict = None
        for row in pending:
            outcome = client.push(city, row.data)
            if outcome.status in (200, 201):
                _set_state(engine, city, [row.seq], "acked")
                report.pushed.append((row.seq, outcome.status))
                continue
            conflict = outcome
            break
        if conflict is None:
            return report
        rows = _rows(engine, city)
        head_seq = conflict.head_seq or 0
        mine = next((r for r in rows if r.bundle_id == conflict.head_id), None)
        if head_seq == 0 or (mine is not None and mine.seq == head_seq):
            # The hub holds a prefix of our chain: acknowledge it, re-send the rest.
            _set_state(engine, city, [r.seq for r in rows if r.seq <= head_seq], "acked")
            _set_state(engine, city, [r.seq for r in rows if r.seq > head_seq], "pending")
        else:
            report.rebuilt += _rebuild(engine, city, head_seq, conflict.head_id, key)
    report.pending = sum(1 for r in _rows(engine, city) if r.state == "pending")
    if report.pending:
        raise HubRejected(
            409, "conflict", f"{report.pending} bundle(s) still pending after {rounds} rounds"
        )
    return report


@dataclass
class PullReport:
    verified: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    cursor: str = ""


def pull_feed(*, client: HubClient, keys_dir: Path, out_dir: Path) -> PullReport:
    """Fetch the feed after the saved cursor, download every new bundle, verify it offline
    against ``keys_dir/<city>.pub``, save it in ``out_dir``, and remember the cursor."""
    from datacity_federation._sync.bundle import verify_bundle
    from datacity_federation._sync.keys import load_public_key

    out_dir.mkdir(parents=True, exist_ok=True)
    state = out_dir / "feed.cursor"
    cursor = state.read_text(encoding="utf-8").strip() if state.is_file() else ""
    report = PullReport(cursor=cursor)
    while True:
        items, nxt = client.feed(after=cursor or None, limit=200)
        for item in items:
            bundle_id, city = str(item["bundle_id"]), str(item["city"])
            data = client.bundle(bundle_id)
            pub = keys_dir / f"{city}.pub"
            try:
                if not pub.is_file():
                    raise ReleaseError(f"no public key {pub}")
                manifest, got, _signer, _cells = verify_bundle(data, [load_public_key(pub)])
                if got != bundle_id or manifest.city != city:
                    raise ReleaseError("the bundle is not the one the feed names")
            except ReleaseError as exc:
                report.failed.append((bundle_id, str(exc)))
                continue
            (out_dir / f"{city}-{manifest.seq:06d}-{bundle_id[:12]}.zip").write_bytes(data)
            report.verified.append(bundle_id)
        if nxt == cursor or not items:
            break
        cursor = nxt
        state.write_text(cursor + "\n", encoding="utf-8")
    report.cursor = cursor
    return report
