"""Adapter: the records of one season in a city store -> :class:`~datacity_federation._privacy.SeasonFacts`.

Rule header: only what the tables need is read, by SQL, in a handful of queries (no per-record
round trip): ids to count distinct units, themes, states, outcomes, exact amounts (integer
ten-thousandths turned into ``Decimal``), KPI measurements and phase dates (planned from the configuration, actual as recorded). Names, contacts,
proposals, comments and scores are never selected. The season's dates and currency come from
the city's configuration (the domain model), which the store mirrors. A pinned data set that a
full harvest found withdrawn from its portal is not counted: the release counts live ones only.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, select

from datacity_federation._privacy.facts import (
    ApplicationFact,
    ChallengeFact,
    MoneyFact,
    PhaseFact,
    PilotFact,
    SeasonFacts,
)
from datacity_federation._store.phase_dates import load_phase_dates
from datacity_federation._store.portal_tables import PortalDatasetRow
from datacity_federation._store.tables import (
    ApplicationRow,
    ChallengeDatasetRow,
    ChallengeKpiRow,
    ChallengeOwnerRow,
    ChallengeRow,
    ContractValueRow,
    KpiMeasurementRow,
    PartnerRow,
    PilotRow,
    SponsorshipRow,
)
from datacity_federation.domain.city import City
from datacity_federation.domain.phase_dates import actual_spans
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, PartnerKind
from datacity_federation.errors import ReleaseError

__all__ = ["season_facts"]

E4 = Decimal(10_000)
STATES = {s.value: s for s in ApplicationStatus}


def season_facts(engine: Engine, *, city: City, season: Season) -> SeasonFacts:
    """The facts of ``season`` of ``city`` as recorded in the store behind ``engine``."""
    cid, sid = city.id, season.id
    A, C, P = ApplicationRow, ChallengeRow, PilotRow
    with engine.connect() as conn:
        corporate = set(
            conn.execute(
                select(PartnerRow.id).where(  # type: ignore[call-overload]
                    PartnerRow.city_id == cid, PartnerRow.kind == PartnerKind.CORPORATE.value
                )
            ).scalars()
        )
        challenges = conn.execute(
            select(C.id, C.theme).where(C.city_id == cid, C.season_id == sid)  # type: ignore[call-overload]
        ).all()
        theme_of = {r.id: r.theme for r in challenges}
        owners: dict[str, list[str]] = {}
        for ch, partner in conn.execute(
            select(ChallengeOwnerRow.challenge_id, ChallengeOwnerRow.partner_id).where(  # type: ignore[call-overload]
                ChallengeOwnerRow.city_id == cid,
                ChallengeOwnerRow.challenge_id.in_(theme_of),  # type: ignore[attr-defined]
            )
        ):
            if partner in corporate:
                owners.setdefault(ch, []).append(partner)
        gone = {
            (portal, ds)
            for portal, ds in conn.execute(
                select(PortalDatasetRow.portal_id, PortalDatasetRow.dataset_id).where(  # type: ignore[call-overload]
                    PortalDatasetRow.city_id == cid,
                    PortalDatasetRow.withdrawn_at.is_not(None),  # type: ignore[union-attr]
                )
            )
        }
        datasets: dict[str, list[str]] = {}
        for ch, portal, ds in conn.execute(
            select(
                ChallengeDatasetRow.challenge_id,
                ChallengeDatasetRow.portal_id,
                ChallengeDatasetRow.dataset,
            ).where(  # type: ignore[call-overload]
                ChallengeDatasetRow.city_id == cid,
                ChallengeDatasetRow.challenge_id.in_(theme_of),  # type: ignore[attr-defined]
            )
        ):
            if (portal, ds) not in gone:
                datasets.setdefault(ch, []).append(f"{portal}:{ds}")
        apps = conn.execute(
            select(A.startup_id, A.challenge_id, A.status).where(  # type: ignore[call-overload]
                A.city_id == cid, A.season_id == sid
            )
        ).all()
        pilots = conn.execute(
            select(P.id, P.outcome, A.startup_id, A.challenge_id)  # type: ignore[call-overload]
            .join(A, (A.city_id == P.city_id) & (A.id == P.application_id))
            .where(P.city_id == cid, P.season_id == sid)
        ).all()
        pilot_of = {pid: (startup, theme_of.get(ch, "")) for pid, _o, startup, ch in pilots}
        kpi = _kpi_improvements(conn, cid, set(pilot_of))
        sponsors = conn.execute(
            select(
                SponsorshipRow.partner_id, SponsorshipRow.amount_e4, SponsorshipRow.currency
            ).where(  # type: ignore[call-overload]
                SponsorshipRow.city_id == cid, SponsorshipRow.season_id == sid
            )
        ).all()
        contracts = conn.execute(
            select(
                ContractValueRow.pilot_id,
                ContractValueRow.partner_id,
                ContractValueRow.amount_e4,
                ContractValueRow.currency,
            ).where(  # type: ignore[call-overload]
                ContractValueRow.city_id == cid,
                ContractValueRow.pilot_id.in_(pilot_of),  # type: ignore[attr-defined]
            )
        ).all()
        partners = {p for ps in owners.values() for p in ps} | {r.partner_id for r in sponsors}
        before = next((s for s in city.seasons if s.number == season.number - 1), None)
        partners_before = None if before is None else _corporate_of(conn, cid, before.id, corporate)
        timeline = season.timeline()
        actual = actual_spans(timeline, load_phase_dates(conn, cid, sid))
    for row in [*sponsors, *contracts]:
        if row.currency != city.currency:
            raise ReleaseError(
                f"{cid}/{sid}: an amount is in {row.currency}, the city's currency is "
                f"{city.currency}; convert it in the records first"
            )
    return SeasonFacts(
        city=cid,
        season=sid,
        season_number=season.number,
        start=season.start,
        end=season.end,
        currency=city.currency,
        challenges=tuple(
            ChallengeFact(
                r.id,
                r.theme,
                tuple(sorted(owners.get(r.id, ()))),
                tuple(sorted(datasets.get(r.id, ()))),
            )
            for r in challenges
        ),
        applications=tuple(
            ApplicationFact(startup, theme_of.get(ch, ""), STATES[status])
            for startup, ch, status in apps
        ),
        pilots=tuple(
            PilotFact(
                pilot_of[r.id][0],
                pilot_of[r.id][1],
                None if r.outcome is None else Outcome(r.outcome),
                kpi.get(r.id),
                r.id,
            )
            for r in pilots
        ),
        sponsorships=tuple(MoneyFact(r.partner_id, Decimal(r.amount_e4) / E4) for r in sponsors),
        contracts=tuple(
            MoneyFact(r.partner_id, Decimal(r.amount_e4) / E4, pilot_of[r.pilot_id][1])
            for r in contracts
        ),
        phases=tuple(
            PhaseFact(span.phase, span.start, span.end, *actual[span.phase]) for span in timeline
        ),
        partners=frozenset(partners),
        partners_before=partners_before,
    )


def _corporate_of(conn: object, cid: str, sid: str, corporate: set[str]) -> frozenset[str]:
    from sqlalchemy import Connection

    assert isinstance(conn, Connection)
    owners = conn.execute(
        select(ChallengeOwnerRow.partner_id)  # type: ignore[call-overload]
        .join(
            ChallengeRow,
            (ChallengeRow.city_id == ChallengeOwnerRow.city_id)
            & (ChallengeRow.id == ChallengeOwnerRow.challenge_id),
        )
        .where(ChallengeRow.city_id == cid, ChallengeRow.season_id == sid)
    ).scalars()
    sponsors = conn.execute(
        select(SponsorshipRow.partner_id).where(  # type: ignore[call-overload]
            SponsorshipRow.city_id == cid, SponsorshipRow.season_id == sid
        )
    ).scalars()
    return frozenset(p for p in [*owners, *sponsors] if p in corporate)


def _kpi_improvements(conn: object, cid: str, pilots: set[str]) -> dict[str, Decimal]:
    """Per pilot: the mean over its indicators of the progress from baseline to target, in
    percentage points, using the last measurement of each indicator."""
    from sqlalchemy import Connection

    assert isinstance(conn, Connection)
    if not pilots:
        return {}
    targets = {
        (r.challenge_id, r.indicator): (Decimal(r.baseline), Decimal(r.target))
        for r in conn.execute(
            select(
                ChallengeKpiRow.challenge_id,
                ChallengeKpiRow.indicator,
                ChallengeKpiRow.baseline,
                ChallengeKpiRow.target,
            ).where(  # type: ignore[call-overload]
                ChallengeKpiRow.city_id == cid
            )
        )
    }
    last: dict[tuple[str, str], tuple[object, Decimal, Decimal]] = {}
    for r in conn.execute(
        select(
            KpiMeasurementRow.pilot_id,
            KpiMeasurementRow.indicator,
            KpiMeasurementRow.challenge_id,
            KpiMeasurementRow.measured_on,
            KpiMeasurementRow.baseline,
            KpiMeasurementRow.value,
        ).where(KpiMeasurementRow.city_id == cid)  # type: ignore[call-overload]
    ):
        if r.pilot_id not in pilots:
            continue
        target = targets.get((r.challenge_id, r.indicator))
        if target is None or target[1] == Decimal(r.baseline):
            continue
        key = (r.pilot_id, r.indicator)
        if key not in last or str(r.measured_on) > str(last[key][0]):
            base = Decimal(r.baseline)
            progress = (Decimal(r.value) - base) / (target[1] - base) * 100
            last[key] = (r.measured_on, progress, base)
    per_pilot: dict[str, list[Decimal]] = {}
    for (pilot, _ind), (_on, progress, _b) in last.items():
        per_pilot.setdefault(pilot, []).append(progress)
    return {
        p: (sum(v, Decimal(0)) / len(v)).quantize(Decimal("0.01")) for p, v in per_pilot.items()
    }
