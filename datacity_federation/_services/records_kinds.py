"""The kinds of programme record a CSV file imports: one list, read by everything else.

Rule header: :data:`IMPORTERS` is the single declaration. The import (``import_csv``), the CLI's
help, the demo, the sample files (``templates/csv/<kind>.csv``) and the docs test all read it;
adding a kind is adding its importer here. The order is the order a season's files are imported
in: each kind may name records of the kinds before it (a review names an application, a contract
value names a pilot). Importers are named, not imported, so that reading the list (``datacity
--help``) loads no domain model; a test checks that every name resolves to its kind's importer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datacity_federation._services.records_import import Importer

__all__ = ["IMPORTERS", "KINDS", "importer_of"]

IMPORTERS: dict[str, str] = {
    "startups": "records_import_kinds:StartupsImporter",
    "reviewers": "records_import_kinds:ReviewersImporter",
    "applications": "records_import_applications:ApplicationsImporter",
    "reviews": "records_import_kinds:ReviewsImporter",
    "pilots": "records_import_kinds:PilotsImporter",
    "measurements": "records_import_kinds:MeasurementsImporter",
    "sponsorships": "records_import_money:SponsorshipsImporter",
    "contracts": "records_import_money:ContractsImporter",
    "phases": "records_import_phases:PhasesImporter",
}
"""Every CSV kind, in import order: its name and its importer (``module:Class`` in
``datacity_federation._services``)."""

KINDS: tuple[str, ...] = tuple(IMPORTERS)
"""The kinds' names, in import order: ``datacity records import KIND``."""


def importer_of(kind: str) -> type[Importer]:
    """The importer class of ``kind`` (a name in :data:`KINDS`)."""
    module, name = IMPORTERS[kind].split(":")
    found: type[Importer] = getattr(
        importlib.import_module(f"datacity_federation._services.{module}"), name
    )
    return found
