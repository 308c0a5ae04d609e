"""The pure input of a release: what one season of one city did, without names or text.

Rule header: these dataclasses are the only thing the rules see, so they hold exactly what a
table needs: unit ids (opaque strings that never leave the city: they only count distinct
contributors), themes, states, outcomes, amounts and dates. Adapters build them from the city
store; tests build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from datacity_federation.domain.vocab import ApplicationStatus, Outcome, Phase

__all__ = [
    "ApplicationFact",
    "ChallengeFact",
    "MoneyFact",
    "PhaseFact",
    "PilotFact",
    "SeasonFacts",
    "facts_from_json",
    "facts_to_json",
]


@dataclass(frozen=True, slots=True)
class ChallengeFact:
    """A challenge of the season."""

    id: str
    theme: str
    partners: tuple[str, ...] = ()
    """Corporate partners owning the challenge (unit ids)."""
    datasets: tuple[str, ...] = ()
    """Data sets offered or used (reference ids)."""


@dataclass(frozen=True, slots=True)
class ApplicationFact:
    """One application: which start-up (unit id), under which theme, how far it went."""

    startup: str
    theme: str
    state: ApplicationStatus


@dataclass(frozen=True, slots=True)
class PilotFact:
    """One pilot: its start-up, theme, outcome (``None`` when not recorded) and KPI improvement
    (percentage points towards the targets, ``None`` when not measured)."""

    startup: str
    theme: str
    outcome: Outcome | None = None
    kpi_improvement: Decimal | None = None
    id: str = ""
    """The pilot's record id (never released): KPI changes between releases are compared pilot
    by pilot through it, never by position."""


@dataclass(frozen=True, slots=True)
class MoneyFact:
    """An amount from one contributor (a partner unit id), under a theme or ``all``."""

    contributor: str
    amount: Decimal
    theme: str = "all"


@dataclass(frozen=True, slots=True)
class PhaseFact:
    """A phase's planned and actual dates (both days included)."""

    phase: Phase
    planned_start: date
    planned_end: date
    actual_start: date | None = None
    actual_end: date | None = None


@dataclass(frozen=True, slots=True)
class SeasonFacts:
    """Everything one season's release is computed from."""

    city: str
    season: str
    season_number: int
    start: date
    end: date
    currency: str
    challenges: tuple[ChallengeFact, ...] = ()
    applications: tuple[ApplicationFact, ...] = ()
    pilots: tuple[PilotFact, ...] = ()
    sponsorships: tuple[MoneyFact, ...] = ()
    contracts: tuple[MoneyFact, ...] = ()
    """Contract values of pilots that led to a contract, per contracting partner and theme."""
    phases: tuple[PhaseFact, ...] = ()
    partners: frozenset[str] = field(default_factory=frozenset)
    """Corporate partners of this season."""
    partners_before: frozenset[str] | None = None
    """Corporate partners of the previous season; ``None`` for a city's first season."""
    network_multi_city: int | None = None
    """Start-ups piloting in two or more member cities (from the pseudonym linkage), if known."""


def facts_to_json(facts: SeasonFacts) -> str:
    """Canonical JSON of ``facts`` (kept in the city, for a later differencing check)."""
    import json

    def conv(obj: object) -> object:
        if isinstance(obj, Decimal):
            return str(obj)
        if isinstance(obj, date):
            return obj.isoformat()
        if isinstance(obj, frozenset):
            return sorted(obj)
        if isinstance(obj, tuple):
            return [conv(x) for x in obj]
        if hasattr(obj, "__slots__"):
            return {k: conv(getattr(obj, k)) for k in obj.__slots__}
        return obj

    return json.dumps(conv(facts), sort_keys=True, separators=(",", ":"))


def facts_from_json(text: str) -> SeasonFacts:
    """The inverse of :func:`facts_to_json`."""
    import json

    d = json.loads(text)
    dec = Decimal
    day = date.fromisoformat

    return SeasonFacts(
        city=d["city"],
        season=d["season"],
        season_number=d["season_number"],
        start=day(d["start"]),
        end=day(d["end"]),
        currency=d["currency"],
        challenges=tuple(
            ChallengeFact(c["id"], c["theme"], tuple(c["partners"]), tuple(c["datasets"]))
            for c in d["challenges"]
        ),
        applications=tuple(
            ApplicationFact(a["startup"], a["theme"], ApplicationStatus(a["state"]))
            for a in d["applications"]
        ),
        pilots=tuple(
            PilotFact(
                p["startup"],
                p["theme"],
                None if p["outcome"] is None else Outcome(p["outcome"]),
                None if p["kpi_improvement"] is None else dec(p["kpi_improvement"]),
                p.get("id", ""),
            )
            for p in d["pilots"]
        ),
        sponsorships=tuple(
            MoneyFact(m["contributor"], dec(m["amount"]), m["theme"]) for m in d["sponsorships"]
        ),
        contracts=tuple(
            MoneyFact(m["contributor"], dec(m["amount"]), m["theme"]) for m in d["contracts"]
        ),
        phases=tuple(
            PhaseFact(
                Phase(p["phase"]),
                day(p["planned_start"]),
                day(p["planned_end"]),
                None if p["actual_start"] is None else day(p["actual_start"]),
                None if p["actual_end"] is None else day(p["actual_end"]),
            )
            for p in d["phases"]
        ),
        partners=frozenset(d["partners"]),
        partners_before=(
            None if d.get("partners_before") is None else frozenset(d["partners_before"])
        ),
        network_multi_city=d["network_multi_city"],
    )
