"""Network linkage without identities: keyed, domain-separated pseudonyms.

Rule header (ENISA): a pseudonym is ``HMAC-SHA256(key, "v1|<kind>|" + normalised id)``, truncated
to 128 bits (32 hex characters). The network key is held by the member cities and never by the
hub; without it a pseudonym cannot be recomputed from a guessed name (a plain hash could: that is
a dictionary attack). ``kind`` separates domains, so a start-up's and a partner's pseudonyms of the
same text differ. Only the resulting count leaves a city, and only past the count threshold.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = ["MIN_KEY_BYTES", "multi_city_count", "normalise_id", "pseudonym", "pseudonyms"]

MIN_KEY_BYTES = 32
_SPACES = re.compile(r"\s+")
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


def normalise_id(text: str) -> str:
    """NFKC, case-folded, trimmed, inner white space collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def pseudonym(key: bytes, kind: str, ident: str) -> str:
    """The 128-bit pseudonym of ``ident`` in the domain ``kind`` under the network ``key``."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the network key must hold at least {MIN_KEY_BYTES} bytes")
    if not _KIND.match(kind):
        raise ValueError(f"bad pseudonym kind {kind!r}")
    message = f"v1|{kind}|{normalise_id(ident)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def pseudonyms(key: bytes, kind: str, idents: Iterable[str]) -> frozenset[str]:
    return frozenset(pseudonym(key, kind, i) for i in idents)


def multi_city_count(per_city: Mapping[str, Iterable[str]], *, at_least: int = 2) -> int:
    """How many pseudonyms appear in ``at_least`` cities or more."""
    seen: dict[str, int] = {}
    for tokens in per_city.values():
        for t in set(tokens):
            seen[t] = seen.get(t, 0) + 1
    return sum(1 for n in seen.values() if n >= at_least)
