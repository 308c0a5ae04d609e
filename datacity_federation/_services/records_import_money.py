"""The money kinds of CSV: sponsorships (per season) and contract values (per closed pilot).

Rule header: amounts are exact decimals in the city's currency (a ``currency`` column, when
given, must name it); each good row is validated through its domain model and written at once,
with its audit event, inside the import's single transaction. A contract value belongs to a pilot
of the season closed with a contract or a joint commercial offer, one row per contracting
partner.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from datacity_federation._services.records_import_kinds import RowImporter
from datacity_federation.domain.records import AuditKind, ContractValue, Sponsorship
from datacity_federation.domain.vocab import PartnerKind

__all__ = ["ContractsImporter", "SponsorshipsImporter"]


class MoneyImporter(RowImporter):
    """Shared checks of the money kinds: the amount, the day, the city's currency."""

    def money(self, row: int, rec: dict[str, str]) -> tuple[Any, Any] | None:
        """``(amount, signed_on)`` of the row, or ``None`` after reporting its problems."""
        ctx = self.ctx
        amount = self.number(row, rec, "amount")
        day = self.day(row, rec, "signed_on")
        if False in (amount, day):
            return None
        currency = rec.get("currency") or ctx.city.currency
        if currency != ctx.city.currency:
            ctx.bad(
                row,
                "currency",
                f"{currency!r}: amounts are in the city's currency {ctx.city.currency}",
            )
            return None
        return amount, day


class SponsorshipsImporter(MoneyImporter):
    required = ("partner", "amount")
    optional = ("currency", "signed_on")

    def row(self, row: int, rec: dict[str, str]) -> None:
        from datacity_federation._store import tables as t
        from datacity_federation._store.mapping import sponsorship_row

        ctx = self.ctx
        money = self.money(row, rec)
        if money is None:
            return
        partner = ctx.city.partner(rec["partner"])
        if partner is None or partner.kind is PartnerKind.STARTUP:
            what = "unknown partner" if partner is None else "a start-up cannot sponsor"
            ctx.bad(row, "partner", f"{what}: {rec['partner']!r}")
            return
        try:
            item = Sponsorship(
                city=ctx.city.id,
                season=ctx.season.id,
                partner=partner.id,
                amount=money[0],
                currency=ctx.city.currency,
                signed_on=money[1],
            )
        except ValidationError as exc:
            self.invalid(row, exc, {}, "amount")
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

    required = ("pilot", "partner", "amount")
    optional = ("currency", "signed_on")

    def row(self, row: int, rec: dict[str, str]) -> None:
        from datacity_federation._services.outcomes import contract_problem
        from datacity_federation._store import tables as t
        from datacity_federation._store.mapping import contract_row
        from datacity_federation._store.repository import get_pilot

        ctx = self.ctx
        money = self.money(row, rec)
        if money is None:
            return
        pilot = get_pilot(ctx.conn, ctx.city.id, rec["pilot"])
        if pilot is None or pilot.season != ctx.season.id:
            ctx.bad(row, "pilot", f"unknown pilot {rec['pilot']!r} in season {ctx.season.id}")
            return
        problem = contract_problem(pilot)
        if problem is not None:
            ctx.bad(row, "pilot", problem)
            return
        partner = ctx.city.partner(rec["partner"])
        if partner is None:
            ctx.bad(row, "partner", f"unknown partner: {rec['partner']!r}")
            return
        try:
            item = ContractValue(
                city=ctx.city.id,
                pilot=pilot.id,
                partner=partner.id,
                amount=money[0],
                currency=ctx.city.currency,
                signed_on=money[1],
            )
        except ValidationError as exc:
            self.invalid(row, exc, {}, "amount")
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
