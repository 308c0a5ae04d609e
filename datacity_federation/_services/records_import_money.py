"""The money kinds of CSV: sponsorships (per season) and contract values (per closed pilot).

Rule header: a row is a :class:`Sponsorship` or :class:`ContractValue` (exact decimal amounts,
validated a batch at a time like every kind); its ``currency`` column, when given, must name the
city's currency. Each good row is written at once, with its audit event, inside the import's
single transaction. A contract value belongs to a pilot
of the season closed with a contract or a joint commercial offer, one row per contracting
partner.
"""

from __future__ import annotations

from typing import ClassVar

from datacity_federation._services.records_import_kinds import RowImporter
from datacity_federation.domain.records import AuditKind, ContractValue, Sponsorship
from datacity_federation.domain.vocab import PartnerKind

__all__ = ["ContractsImporter", "SponsorshipsImporter"]


class MoneyImporter(RowImporter):
    """Shared check of the money kinds: amounts are in the city's currency."""

    context_fields: ClassVar[tuple[str, ...]] = ("city",)
    defaulted = ("currency",)
    whole_row = "amount"

    def foreign(self, row: int, currency: str) -> bool:
        """True (and a problem) when the row's currency is not the city's."""
        city = self.ctx.city.currency
        if currency != city:
            self.ctx.bad(
                row, "currency", f"{currency!r}: amounts are in the city's currency {city}"
            )
            return True
        return False


class SponsorshipsImporter(MoneyImporter):
    """What each corporate partner gives to fund the season."""

    line = Sponsorship
    context_fields = ("city", "season")

    def row(self, row: int, item: Sponsorship) -> None:
        from datacity_federation._store import tables as t
        from datacity_federation._store.mapping import sponsorship_row

        ctx = self.ctx
        if self.foreign(row, item.currency):
            return
        partner = ctx.city.partner(item.partner)
        if partner is None or partner.kind is PartnerKind.STARTUP:
            what = "unknown partner" if partner is None else "a start-up cannot sponsor"
            ctx.bad(row, "partner", f"{what}: {item.partner!r}")
            return
        if not self.once(row, "partner", partner.id, f"sponsorship of {partner.id}"):
            return
        if self.exists(t.SponsorshipRow, season_id=ctx.season.id, partner_id=partner.id):
            ctx.bad(
                row, "partner", f"duplicate sponsorship of {partner.id} (already in the records)"
            )
            return
        self.insert(t.SponsorshipRow, sponsorship_row(item))
        self.event(AuditKind.SPONSORSHIP, f"{ctx.season.id}/{partner.id}", "recorded", row)
        ctx.count("sponsorships", 1)


class ContractsImporter(MoneyImporter):
    """Contract values: what a contract or a joint commercial offer is worth, per partner."""

    line = ContractValue

    def row(self, row: int, item: ContractValue) -> None:
        from datacity_federation._services.outcomes import contract_problem
        from datacity_federation._store import tables as t
        from datacity_federation._store.mapping import contract_row
        from datacity_federation._store.repository import get_pilot

        ctx = self.ctx
        if self.foreign(row, item.currency):
            return
        pilot = get_pilot(ctx.conn, ctx.city.id, item.pilot)
        if pilot is None or pilot.season != ctx.season.id:
            ctx.bad(row, "pilot", f"unknown pilot {item.pilot!r} in season {ctx.season.id}")
            return
        problem = contract_problem(pilot)
        if problem is not None:
            ctx.bad(row, "pilot", problem)
            return
        partner = ctx.city.partner(item.partner)
        if partner is None:
            ctx.bad(row, "partner", f"unknown partner: {item.partner!r}")
            return
        key = (pilot.id, partner.id)
        if not self.once(row, "partner", key, f"value of {pilot.id} for {partner.id}"):
            return
        if self.exists(t.ContractValueRow, pilot_id=pilot.id, partner_id=partner.id):
            ctx.bad(
                row,
                "partner",
                f"duplicate value of {pilot.id} for {partner.id} (already in the records)",
            )
            return
        self.insert(t.ContractValueRow, contract_row(item))
        self.event(AuditKind.CONTRACT, f"{pilot.id}/{partner.id}", "recorded", row)
        ctx.count("contract_values", 1)
