"""A mirror hub: follow another hub's feed and hold the same data without trusting it.

Rule header: the mirror's trust is the cities' keys, never the source. Keys come from files
(``CITY.pub``) or are fetched once from the source's ``/api/v1/keys`` and kept only when their
fingerprint, computed here from the key itself, is one the operator pinned; they go in the
mirror's own registry, so later runs need not ask again. Every bundle the feed names is
downloaded and pushed through the mirror's own ingest (the nine checks: the signature against the
pinned keys, the hashes, the schema, the rules, the ``seq``/``prev`` chain), in feed order, with a
token known only to the running mirror (nobody else can push to a mirror). A bundle that fails,
or that is not the bundle the feed names, stops the mirror with :class:`MirrorRefused`: nothing of
it is stored, everything before it is, and the saved cursor points just before it. The cursor is
kept per source in the mirror's ``hub_meta``; reading a feed again from the start is harmless (a
known bundle is a no-op).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from datacity_federation._sync.client import HubClient, HubUnreachable
from datacity_federation._sync.hub_export import replay_tokens
from datacity_federation._sync.hub_ingest import ingest, init_hub
from datacity_federation._sync.hub_store import HubCity, HubKey, HubMeta, now_utc
from datacity_federation._sync.keys import fingerprint, public_key_from_hex, public_key_hex
from datacity_federation.errors import DatacityError, HubRejected, MirrorRefused, ReleaseError

__all__ = ["MirrorReport", "mirror_hub", "parse_pins", "pin_keys"]

PAGE = 500
FETCHERS = 4


@dataclass
class MirrorReport:
    source: str
    network: str
    stored: int = 0
    """Bundles new to the mirror."""
    known: int = 0
    """Bundles the mirror already held (a feed read again)."""
    cursor: str = ""
    """The source's feed cursor the mirror has reached."""


def parse_pins(values: Sequence[str]) -> dict[str, list[str]]:
    """``CITY=sha256:HEX`` options, by city."""
    pins: dict[str, list[str]] = {}
    for value in values:
        city, sep, fp = value.partition("=")
        if not sep or not city or not fp.startswith("sha256:") or len(fp) != 71:
            raise DatacityError(f"--pin {value!r}: write CITY=sha256:<64 hex digits>")
        pins.setdefault(city.strip(), []).append(fp.strip().lower())
    return pins


def _register_key(s: Session, city: str, key: Ed25519PublicKey) -> bool:
    if s.get(HubCity, city) is None:
        s.add(
            HubCity(city=city, token_hash="mirror-" + secrets.token_hex(16), created_at=now_utc())
        )
        s.flush()
    fp = fingerprint(key)
    known = s.get(HubKey, fp)
    if known is not None:
        if known.city != city:
            raise DatacityError(f"key {fp} is registered for {known.city}, not {city}")
        return False
    s.add(HubKey(fingerprint=fp, city=city, public_key=public_key_hex(key), added_at=now_utc()))
    return True


def pin_keys(
    engine: Engine,
    client: HubClient,
    *,
    pins: Mapping[str, Sequence[str]],
    key_files: Mapping[str, Sequence[Ed25519PublicKey]],
) -> list[str]:
    """Register the keys given as files and the pinned keys the source serves; return the
    fingerprints added. A pinned fingerprint the source does not serve is an error."""
    added: list[str] = []
    with Session(engine) as s:
        for city, keys in sorted(key_files.items()):
            added += [fingerprint(k) for k in keys if _register_key(s, city, k)]
        wanted = {(c, fp) for c, fps in pins.items() for fp in fps if s.get(HubKey, fp) is None}
        if wanted:
            served = client.keys()  # once, and only when a pin is not registered yet
            for city, fp in sorted(wanted):
                key = _served_key(served.get(city, []), fp)
                if key is None:
                    raise DatacityError(
                        f"the source serves no key {fp} for {city}: check the pinned fingerprint"
                    )
                if _register_key(s, city, key):
                    added.append(fp)
        s.commit()
    return added


def _served_key(listed: Sequence[Mapping[str, Any]], fp: str) -> Ed25519PublicKey | None:
    for entry in listed:
        try:
            key = public_key_from_hex(str(entry.get("public_key", "")))
        except ReleaseError:
            continue
        if fingerprint(key) == fp:  # computed from the key: the listed fingerprint is no proof
            return key
    return None


def _cursor_key(source: str) -> str:
    return "mirror_cursor:" + source.rstrip("/")


def _load_cursor(engine: Engine, source: str) -> str:
    with Session(engine) as s:
        row = s.get(HubMeta, _cursor_key(source))
        return row.value if row is not None else ""


def _save_cursor(engine: Engine, source: str, cursor: str) -> None:
    with Session(engine) as s:
        row = s.get(HubMeta, _cursor_key(source)) or HubMeta(key=_cursor_key(source), value="")
        row.value = cursor
        s.add(row)
        s.commit()


def mirror_hub(
    engine: Engine,
    source: str,
    *,
    pins: Mapping[str, Sequence[str]] | None = None,
    key_files: Mapping[str, Sequence[Ed25519PublicKey]] | None = None,
    follow: bool = False,
    interval: float = 5.0,
    stop: threading.Event | None = None,
    client: HubClient | None = None,
) -> MirrorReport:
    """Catch up with the hub at ``source`` (and keep following it when ``follow``, until
    ``stop`` is set); raise :class:`MirrorRefused` on a bundle that does not verify."""
    own = client is None
    http = client or HubClient(source)
    stop = stop or threading.Event()
    try:
        network = http.network()
        init_hub(engine, network)
        pin_keys(engine, http, pins=pins or {}, key_files=key_files or {})
        with Session(engine) as s:
            cities = list(s.exec(select(HubCity.city)))
        tokens = replay_tokens(engine, cities)
        report = MirrorReport(source=source, network=network, cursor=_load_cursor(engine, source))
        with ThreadPoolExecutor(FETCHERS) as pool:
            while not stop.is_set():
                items, nxt = http.feed(after=report.cursor or None, limit=PAGE)
                if items:
                    _apply(engine, http, pool, items, tokens, report)
                    report.cursor = nxt
                    _save_cursor(engine, source, nxt)
                    continue
                if not follow:
                    break
                stop.wait(interval)
    finally:
        if own:
            http.close()
    return report


def _apply(
    engine: Engine,
    http: HubClient,
    pool: ThreadPoolExecutor,
    items: list[dict[str, Any]],
    tokens: Mapping[str, str],
    report: MirrorReport,
) -> None:
    """Ingest one page of the feed in order (bundles downloaded ahead, a few at a time)."""
    for item in items:
        if str(item["city"]) not in tokens:
            raise DatacityError(
                f"the feed of {report.source} names city {item['city']!r}, which has no pinned "
                f"key here: give --pin {item['city']}=sha256:... or --keys DIR with "
                f"{item['city']}.pub"
            )
    bodies = [pool.submit(http.bundle, str(i["bundle_id"])) for i in items]
    for item, pending in zip(items, bodies, strict=True):
        city, bundle_id = str(item["city"]), str(item["bundle_id"])
        try:
            data = pending.result()
        except HubUnreachable:
            _save_cursor(engine, report.source, report.cursor)
            raise
        except HubRejected as exc:
            _save_cursor(engine, report.source, report.cursor)
            raise MirrorRefused(
                report.source, city, bundle_id, f"its feed names it, it does not serve it ({exc})"
            ) from None
        try:
            got = ingest(engine, city=city, token=tokens[city], body=data)
        except HubRejected as exc:
            _save_cursor(engine, report.source, report.cursor)
            raise MirrorRefused(
                report.source, city, bundle_id, f"{exc.error}: {exc.detail}"
            ) from None
        if got.bundle_id != bundle_id or got.seq != int(item["seq"]):
            _save_cursor(engine, report.source, report.cursor)
            raise MirrorRefused(
                report.source,
                city,
                bundle_id,
                f"it served bundle {got.bundle_id} (seq {got.seq}) where its feed names "
                f"{bundle_id} (seq {item['seq']})",
            )
        if got.status == 201:
            report.stored += 1
        else:
            report.known += 1
        report.cursor = str(item["cursor"])
