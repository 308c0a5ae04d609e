"""A hub filled for the site's tests: the shipped cities' seasons, one retracted, one late.

Paris releases s1, s2 and s3; Barcelona s1; Singapore releases s1 then retracts it; Bangalore
sends nothing, so on 2019-06-01 its s1 (ended 2018-12-14, due 2019-01-13) is 139 days late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from datacity_federation._config.loader import load_federation
from datacity_federation._services.hub_site import SiteSettings, site_settings
from datacity_federation._sync.hub_ingest import add_city, ingest, init_hub
from datacity_federation._sync.manifest import Action
from datacity_federation.testing.releases import sample_bundle, sample_facts

ROOT = Path(__file__).resolve().parents[1]
ON = date(2019, 6, 1)
CURRENCY = {"paris": "EUR", "barcelona": "EUR", "singapore": "SGD", "bangalore": "INR"}
RELEASES = {"paris": ["s1", "s2", "s3"], "barcelona": ["s1"], "singapore": ["s1"], "bangalore": []}


@dataclass
class FilledHub:
    engine: Engine
    tokens: dict[str, str]
    keys: dict[str, Ed25519PrivateKey]
    heads: dict[str, tuple[int, str | None]] = field(default_factory=dict)

    def push(self, city: str, season: str, action: Action = Action.UPSERT) -> None:
        """Release (or retract) ``season`` of ``city`` on top of its head."""
        found = load_federation(ROOT / "cities").city(city)
        assert found is not None
        scope = found.season(season)
        assert scope is not None
        seq, prev = self.heads.get(city, (0, None))
        facts = sample_facts(
            city, season, number=scope.number, start=scope.start, seed=seq + 1,
            applications=80, currency=CURRENCY[city],
        )  # fmt: skip
        data, manifest, _ = sample_bundle(
            facts, key=self.keys[city], seq=seq + 1, prev=prev, action=action
        )
        ingest(self.engine, city=city, token=self.tokens[city], body=data)
        self.heads[city] = (seq + 1, manifest.bundle_id)


def fill_hub(engine: Engine) -> FilledHub:
    init_hub(engine, "c40-datacity")
    hub = FilledHub(engine, {}, {})
    for i, city in enumerate(CURRENCY):
        key = Ed25519PrivateKey.from_private_bytes(bytes([i + 1]) * 32)
        hub.keys[city] = key
        hub.tokens[city] = add_city(engine, city=city, public_key=key.public_key())
        for season in RELEASES[city]:
            hub.push(city, season)
    hub.push("singapore", "s1", Action.RETRACT)
    return hub


def site_of_shipped_cities(on: date = ON) -> SiteSettings:
    """The site of the shipped federation, on a fixed day."""
    settings = site_settings(load_federation(ROOT / "cities"))
    return SiteSettings(**{**settings.__dict__, "clock": lambda: on})
