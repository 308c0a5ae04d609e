"""Sample season facts, release cells and signed bundles for tests (of this package and others).

Clearly sample data: generated from a seed, with invented unit ids; nothing real. Use
:func:`sample_facts` for the privacy rules, :func:`sample_bundle` to push into a hub.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from datacity_federation._privacy.facts import (
    ApplicationFact,
    ChallengeFact,
    MoneyFact,
    PhaseFact,
    PilotFact,
    SeasonFacts,
)
from datacity_federation._privacy.rules import PROFILES
from datacity_federation._privacy.tables import Release, build_release
from datacity_federation._sync.bundle import build_bundle
from datacity_federation._sync.manifest import Action, Manifest, ReleaseScope, RulesRef
from datacity_federation.domain.season import add_months
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, Phase, Theme

__all__ = ["sample_bundle", "sample_facts", "scope_of"]


def sample_facts(
    city: str = "paris",
    season: str = "s1",
    *,
    number: int = 1,
    start: date = date(2015, 1, 1),
    seed: int = 0,
    applications: int = 60,
    themes: int = 3,
    currency: str = "EUR",
) -> SeasonFacts:
    """A plausible season: ``themes`` themes, ``applications`` applications from about half as
    many start-ups, pilots with outcomes and KPI values, sponsorships and contracts."""
    rng = random.Random(f"{city}/{season}/{seed}")
    chosen = rng.sample([t.value for t in Theme], themes)
    partners = [f"corp{i}" for i in range(rng.randint(4, 9))]
    challenges = tuple(
        ChallengeFact(
            id=f"ch{i}",
            theme=chosen[i % themes],
            partners=tuple(rng.sample(partners, 2)),
            datasets=tuple(f"ds{rng.randint(0, 30)}" for _ in range(3)),
        )
        for i in range(themes * 2)
    )
    startups = [f"su{i}" for i in range(max(1, applications // 2))]
    states = list(ApplicationStatus)
    apps = tuple(
        ApplicationFact(rng.choice(startups), rng.choice(chosen), rng.choice(states))
        for _ in range(applications)
    )
    selected = [a for a in apps if a.state is ApplicationStatus.SELECTED]
    pilots = tuple(
        PilotFact(
            a.startup,
            a.theme,
            rng.choice(list(Outcome)),
            Decimal(rng.randint(-50, 400)) / 10,
        )
        for a in selected
    )
    sponsorships = tuple(MoneyFact(p, Decimal(rng.randint(10, 90)) * 1000) for p in partners)
    contracts = tuple(
        MoneyFact(
            rng.choice(partners), Decimal(rng.randint(5, 200)) * 1000 + Decimal("0.50"), p.theme
        )
        for p in pilots
        if p.outcome is Outcome.CONTRACT
    )
    phases = []
    for i, ph in enumerate((Phase.PARTNERING, Phase.CALL, Phase.EXPERIMENTATION, Phase.OUTCOME)):
        first = add_months(start, 3 * i)
        last = add_months(start, 3 * (i + 1)) - timedelta(days=1)
        phases.append(PhaseFact(ph, first, last, first, last + timedelta(days=rng.randint(0, 9))))
    return SeasonFacts(
        city=city,
        season=season,
        season_number=number,
        start=start,
        end=add_months(start, 12) - timedelta(days=1),
        currency=currency,
        challenges=challenges,
        applications=apps,
        pilots=pilots,
        sponsorships=sponsorships,
        contracts=contracts,
        phases=tuple(phases),
        partners=frozenset(partners),
        partners_before=frozenset(rng.sample(partners, rng.randint(0, len(partners)))),
    )


def scope_of(facts: SeasonFacts) -> ReleaseScope:
    return ReleaseScope(
        season=facts.season,
        season_number=facts.season_number,
        start=facts.start,
        end=facts.end,
        currency=facts.currency,
    )


def sample_bundle(
    facts: SeasonFacts,
    *,
    key: Ed25519PrivateKey,
    seq: int = 1,
    prev: str | None = None,
    network: str = "c40-datacity",
    action: Action = Action.UPSERT,
    profile: str = "default",
) -> tuple[bytes, Manifest, Release]:
    """The signed bundle of ``facts`` under ``profile``."""
    rules = PROFILES[profile]
    release = build_release(facts, rules)
    data, manifest = build_bundle(
        cells=release.cells,
        network=network,
        city=facts.city,
        seq=seq,
        prev=prev,
        scope=scope_of(facts),
        action=action,
        rules=RulesRef(profile=rules.name, version=rules.version),
        key=key,
    )
    return data, manifest, release
