"""The kinds of programme record: one declaration per kind, read by everything else.

Rule header: :data:`RECORD_KINDS` is the single list. Each :class:`RecordKind` names its CSV
importer, the store tables its records live in, how the JSON restore reads them back through the
domain, and which of their fields hold a person's words (blanked by an erasure). The import
(``import_csv``), the JSON export and restore (:mod:`records_io`), the erasure
(``erase_person``), the CLI's help, the demo, the sample files (``templates/csv/<kind>.csv``)
and the docs test all read it; adding a kind is one :func:`register_kind` (plus its importer and
table). The order is the order a season's files are imported in: each kind may name records of
the kinds before it (a review names an application, a contract value names a pilot). Importers
and read-back functions of the shipped kinds are named, not imported, so that reading the list
(``datacity --help``) loads no domain model; a test checks that every name resolves.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from datacity_federation._services.records_import import Importer

__all__ = [
    "BASE_READS",
    "BASE_TABLES",
    "IMPORTERS",
    "KINDS",
    "RECORD_KINDS",
    "Erasure",
    "RecordKind",
    "importer_of",
    "kind_tables",
    "reader_of",
    "register_kind",
    "unregister_kind",
]

Reader = str | Callable[[Any], object]
"""A stored row -> its domain model (raising InvalidModelError when invalid): a function's name
in ``_store.mapping``, or the function."""


@dataclass(frozen=True, slots=True)
class Erasure:
    """Fields of a kind's table that hold a person's words, blanked when that person is erased."""

    table: str
    person: str
    """The column naming the person (the contact of an application, the reviewer of a review)."""
    fields: tuple[str, ...]
    counted_as: str
    """Its key in ``erase_person``'s counts (``proposals``, ``comments``)."""


@dataclass(frozen=True, slots=True)
class RecordKind:
    """One kind of programme record."""

    name: str
    """``datacity records import NAME``; the sample file is ``templates/csv/NAME.csv``."""
    importer: str | type[Importer]
    """Its CSV importer: ``module:Class`` in ``datacity_federation._services``, or the class."""
    tables: tuple[str, ...] = ()
    """Store tables only this kind writes (exported and restored as JSON, in FK order)."""
    reads: tuple[tuple[str, Reader], ...] = ()
    """``(table, reader)``: how the restore checks its rows through the domain models."""
    erasure: tuple[Erasure, ...] = ()


BASE_TABLES = (
    "cities",
    "partners",
    "seasons",
    "season_phases",
    "challenges",
    "challenge_owners",
    "challenge_criteria",
    "challenge_kpis",
    "challenge_datasets",
    "people",
    "audit_events",
)
"""Tables every city has whatever kinds it imports: its configuration as synced, the people the
kinds name and the audit trail."""

BASE_READS: tuple[tuple[str, Reader], ...] = (("people", "person_from"),)

_REGISTRY: dict[str, RecordKind] = {}
RECORD_KINDS: Mapping[str, RecordKind] = MappingProxyType(_REGISTRY)
"""Every kind by name, in import order."""


def register_kind(kind: RecordKind, *, before: str | None = None) -> RecordKind:
    """Add ``kind`` (last in the import order, or ``before`` another kind)."""
    if kind.name in _REGISTRY:
        raise ValueError(f"record kind {kind.name!r} is registered already")
    items = list(_REGISTRY.items())
    at = len(items) if before is None else [n for n, _ in items].index(before)
    items.insert(at, (kind.name, kind))
    _REGISTRY.clear()
    _REGISTRY.update(items)
    return kind


def unregister_kind(name: str) -> None:
    """Remove a kind added with :func:`register_kind`."""
    _REGISTRY.pop(name, None)


class _Names(Sequence[str]):
    """The kinds' names in import order, as the registry stands when read."""

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        return list(_REGISTRY)[i]

    def __len__(self) -> int:
        return len(_REGISTRY)

    def __iter__(self) -> Iterator[str]:
        return iter(list(_REGISTRY))

    def __contains__(self, name: object) -> bool:
        return name in _REGISTRY

    def __repr__(self) -> str:
        return repr(tuple(_REGISTRY))


KINDS: Sequence[str] = _Names()
"""The kinds' names, in import order: ``datacity records import KIND``."""


class _Importers(Mapping[str, "str | type[Importer]"]):
    def __getitem__(self, name: str) -> str | type[Importer]:
        return _REGISTRY[name].importer

    def __iter__(self) -> Iterator[str]:
        return iter(list(_REGISTRY))

    def __len__(self) -> int:
        return len(_REGISTRY)


IMPORTERS: Mapping[str, str | type[Importer]] = _Importers()
"""Every kind's importer, by name (a view of :data:`RECORD_KINDS`)."""


def _resolve(name: str, package: str) -> Any:
    module, attr = name.split(":") if ":" in name else (package, name)
    prefix = "datacity_federation."
    return getattr(importlib.import_module(prefix + module.removeprefix(prefix)), attr)


def importer_of(kind: str) -> type[Importer]:
    """The importer class of ``kind`` (a name in :data:`KINDS`)."""
    spec = _REGISTRY[kind].importer
    found: type[Importer] = _resolve(f"_services.{spec}", "") if isinstance(spec, str) else spec
    return found


def reader_of(reader: Reader) -> Callable[[Any], object]:
    """The function a :data:`Reader` names."""
    if isinstance(reader, str):
        found: Callable[[Any], object] = _resolve(reader, "_store.mapping")
        return found
    return reader


def kind_tables() -> frozenset[str]:
    """Every table of a city's records: the base ones and every kind's."""
    return frozenset(BASE_TABLES).union(*(k.tables for k in _REGISTRY.values()))


for _kind in (
    RecordKind("startups", "records_import_kinds:StartupsImporter"),
    RecordKind(
        "reviewers",
        "records_import_kinds:ReviewersImporter",
        tables=("reviewers", "reviewer_conflicts"),
    ),
    RecordKind(
        "applications",
        "records_import_applications:ApplicationsImporter",
        tables=("applications",),
        reads=(("applications", "application_from"),),
        erasure=(Erasure("applications", "contact_id", ("proposal",), "proposals"),),
    ),
    RecordKind(
        "reviews",
        "records_import_kinds:ReviewsImporter",
        tables=("reviews", "review_scores"),
        erasure=(Erasure("reviews", "reviewer_id", ("comment",), "comments"),),
    ),
    RecordKind(
        "pilots",
        "records_import_kinds:PilotsImporter",
        tables=("pilots",),
        reads=(("pilots", "pilot_from"),),
    ),
    RecordKind(
        "measurements",
        "records_import_kinds:MeasurementsImporter",
        tables=("kpi_measurements",),
        reads=(("kpi_measurements", "measurement_from"),),
    ),
    RecordKind(
        "sponsorships",
        "records_import_money:SponsorshipsImporter",
        tables=("sponsorships",),
        reads=(("sponsorships", "sponsorship_from"),),
    ),
    RecordKind(
        "contracts",
        "records_import_money:ContractsImporter",
        tables=("contract_values",),
        reads=(("contract_values", "contract_from"),),
    ),
    RecordKind(
        "phases",
        "records_import_phases:PhasesImporter",
        tables=("season_phase_dates",),
    ),
):
    _REGISTRY[_kind.name] = _kind
