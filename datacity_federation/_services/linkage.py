"""Network linkage without identities: which of a city's piloting start-ups also pilot elsewhere.

Rule header: each city turns the stable identifier of every start-up that ran a pilot (its web
domain when known, else its name, normalised) into a keyed pseudonym under the network key, which
the cities hold and the hub never sees. Cities exchange these pseudonym lists among themselves;
the hub receives only the resulting count, in the release, as ``network_startups_multi_city``
(suppressed under the count threshold like any count). A pseudonym list is not a release: it
never goes to the hub.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from datacity_federation._privacy.pseudonyms import MIN_KEY_BYTES, pseudonym
from datacity_federation.errors import DatacityError

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "KIND",
    "network_key",
    "other_cities_pseudonyms",
    "piloting_pseudonyms",
    "write_pseudonyms",
]

KIND = "startup"
_HEX = re.compile(r"^[0-9a-f]{32}$")


def network_key(text: str, *, env: str) -> bytes:
    """The network key from ``text``, the value of the environment variable ``env`` the caller
    read (hex, at least 32 bytes); errors name the variable."""
    text = text.strip()
    if not text:
        raise DatacityError(f"no network key: set ${env} (hex, shared by the member cities only)")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise DatacityError(f"${env} is not hex") from None
    if len(key) < MIN_KEY_BYTES:
        raise DatacityError(f"${env} must hold at least {MIN_KEY_BYTES} bytes")
    return key


def _identity(name: dict[str, str], website: str | None) -> str:
    if website:
        host = re.sub(r"^https?://", "", website).split("/")[0].lower()
        return host.removeprefix("www.")
    return next(iter(sorted(name.values())), "")


def piloting_pseudonyms(
    engine: Engine, *, city: str, key: bytes, season: str | None = None
) -> frozenset[str]:
    """Pseudonyms of the start-ups with a pilot in ``city`` (in ``season``, or in any season)."""
    from sqlalchemy import select

    from datacity_federation._store.tables import ApplicationRow, PartnerRow, PilotRow

    A, P, R = ApplicationRow, PilotRow, PartnerRow
    query = (
        select(R.name, R.website)  # type: ignore[call-overload]
        .join(A, (A.city_id == R.city_id) & (A.startup_id == R.id))
        .join(P, (P.city_id == A.city_id) & (P.application_id == A.id))
        .where(R.city_id == city)
    )
    if season is not None:
        query = query.where(P.season_id == season)
    with engine.connect() as conn:
        idents = {_identity(name, website) for name, website in conn.execute(query)}
    return frozenset(pseudonym(key, KIND, i) for i in idents if i)


def write_pseudonyms(path: Path, tokens: Iterable[str]) -> None:
    path.write_text("".join(f"{t}\n" for t in sorted(tokens)), encoding="utf-8")


def other_cities_pseudonyms(folder: Path, *, city: str) -> frozenset[str]:
    """The union of the pseudonym lists ``folder/<other city>.txt`` (the city's own is skipped)."""
    if not folder.is_dir():
        raise DatacityError(f"{folder}: no such folder of pseudonym lists")
    found: set[str] = set()
    for path in sorted(folder.glob("*.txt")):
        if path.stem == city:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            token = line.strip()
            if token and not _HEX.match(token):
                raise DatacityError(f"{path}:{n}: not a pseudonym (32 hex characters)")
            if token:
                found.add(token)
    return frozenset(found)
