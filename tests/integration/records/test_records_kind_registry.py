"""A record kind added by one declaration is imported, exported, restored and erased.

The test declares a toy kind (mentoring notes: a mentor, who is a person, and a free-text note)
with its importer and its table, registers it, and follows it through ``records import``, the
JSON export, the restore (same bytes again) and a person's erasure, with no other edit to the
package. The docs' "Extending" table promises exactly this.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import Field
from records_helpers import TEMPLATES
from sqlalchemy import Column, Engine, ForeignKeyConstraint, String, Table, insert, select

from datacity_federation._services.records import erase_person
from datacity_federation._services.records_import import Importer, import_csv
from datacity_federation._services.records_io import export_city, import_city
from datacity_federation._services.records_kinds import (
    KINDS,
    RECORD_KINDS,
    Erasure,
    RecordKind,
    register_kind,
    unregister_kind,
)
from datacity_federation._store.tables import metadata
from datacity_federation.domain.base import DomainModel
from datacity_federation.errors import ImportRowsError, StoreError

pytestmark = pytest.mark.integration

CSV = "id,mentor,note\nM-1,R-city-1,Talked about the pilot's data\nM-2,R-inria-1,\n"


class MentoringsImporter(Importer):
    required = ("id", "mentor")
    optional = ("note",)

    def check(self, row: int, values: list[str]) -> Any:
        rec = {name: values[at].strip() for name, at in self.at.items()}
        if not rec["id"].startswith("M-"):
            self.ctx.bad(row, "id", f"not a mentoring id {rec['id']!r}")
            return None
        return {
            "city_id": self.ctx.city.id,
            "id": rec["id"],
            "mentor_id": rec["mentor"],
            "note": rec["note"] or None,
        }

    def validate(self, batch: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
        return [(row, payload) for row, payload in batch if payload is not None]

    def flush(self, batch: list[tuple[int, Any]]) -> None:
        if not batch:
            return
        self.ctx.conn.execute(insert(metadata.tables["toy_mentorings"]), [p for _, p in batch])
        self.ctx.count("toy_mentorings", len(batch))


class Mentoring(DomainModel):
    """The toy kind's domain model: what the restore reads every stored row back through."""

    id: str
    mentor_id: str
    note: Annotated[str, Field(max_length=200)] | None


def _read(row: Any) -> object:
    return Mentoring.model_validate({k: v for k, v in row.items() if k != "city_id"})


@pytest.fixture
def mentorings(synced: Engine) -> Iterator[Engine]:
    """The store with reviewers (people) imported, and the toy kind and its table added."""
    import_csv(
        db=synced, kind="reviewers", path=TEMPLATES / "reviewers.csv", city="paris",
        season="s1", by="test",
    )  # fmt: skip
    table = Table(
        "toy_mentorings",
        metadata,
        Column("city_id", String(64), primary_key=True),
        Column("id", String(64), primary_key=True),
        Column("mentor_id", String(64), nullable=False),
        Column("note", String(500), nullable=True),
        ForeignKeyConstraint(["city_id"], ["cities.id"]),
    )
    table.create(synced)
    register_kind(
        RecordKind(
            "mentorings",
            MentoringsImporter,
            tables=("toy_mentorings",),
            reads=(("toy_mentorings", _read),),
            erasure=(Erasure("toy_mentorings", "mentor_id", ("note",), "mentoring_notes"),),
        )
    )
    try:
        yield synced
    finally:
        unregister_kind("mentorings")
        table.drop(synced)
        metadata.remove(table)
    assert "mentorings" not in KINDS


def _notes(engine: Engine) -> list[tuple[str, str | None]]:
    tbl = metadata.tables["toy_mentorings"]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(tbl.c.id, tbl.c.note).order_by(tbl.c.id))]


def test_toy_kind_is_imported_exported_restored_and_erased(
    mentorings: Engine, tmp_path: Path
) -> None:
    assert list(KINDS)[-1] == "mentorings"
    source = tmp_path / "mentorings.csv"
    source.write_text(CSV, encoding="utf-8")
    report = import_csv(
        db=mentorings, kind="mentorings", path=source, city="paris", season="s1", by="test"
    )
    assert (report.rows, report.written) == (2, {"toy_mentorings": 2})
    assert _notes(mentorings) == [("M-1", "Talked about the pilot's data"), ("M-2", None)]

    # the JSON export holds the kind's table; a restore gives the same bytes back
    first = tmp_path / "paris.json"
    counts = export_city(db=mentorings, city="paris", out=first)
    assert counts["toy_mentorings"] == 2
    rows = json.loads(first.read_text(encoding="utf-8"))["tables"]["toy_mentorings"]
    assert [r["id"] for r in rows] == ["M-1", "M-2"]
    assert import_city(db=mentorings, path=first, replace=True)["toy_mentorings"] == 2
    second = tmp_path / "again.json"
    export_city(db=mentorings, city="paris", out=second)
    assert second.read_bytes() == first.read_bytes()

    # erasing the mentor blanks the note the kind declares as theirs, and nothing else
    counts = erase_person(db=mentorings, person="R-city-1", city="paris", by="test")
    assert counts == {"people": 1, "proposals": 0, "comments": 0, "mentoring_notes": 1}
    assert _notes(mentorings) == [("M-1", None), ("M-2", None)]


def test_toy_kind_bad_rows_are_reported_and_nothing_is_written(
    mentorings: Engine, tmp_path: Path
) -> None:
    source = tmp_path / "mentorings.csv"
    source.write_text(CSV.replace("M-2", "X-2"), encoding="utf-8")
    with pytest.raises(ImportRowsError, match=r"mentorings\.csv:3: id: not a mentoring id 'X-2'"):
        import_csv(db=mentorings, kind="mentorings", path=source, city="paris", season="s1", by="t")
    assert _notes(mentorings) == []


def test_toy_kind_restore_reads_its_rows_back_through_its_check(
    mentorings: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "paris.json"
    source = tmp_path / "mentorings.csv"
    source.write_text(CSV, encoding="utf-8")
    import_csv(db=mentorings, kind="mentorings", path=source, city="paris", season="s1", by="t")
    export_city(db=mentorings, city="paris", out=path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["tables"]["toy_mentorings"][0]["note"] = "x" * 201
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(StoreError, match=r"the export holds an invalid record: .*note"):
        import_city(db=mentorings, path=path, replace=True)
    assert _notes(mentorings)[0] == ("M-1", "Talked about the pilot's data")


def test_unknown_kind_names_the_registered_ones(synced: Engine, tmp_path: Path) -> None:
    path = tmp_path / "grants.csv"
    path.write_text("id\n", encoding="utf-8")
    with pytest.raises(StoreError, match=f"one of: {', '.join(RECORD_KINDS)}"):
        import_csv(db=synced, kind="grants", path=path, city="paris", season="s1", by="t")


def test_every_records_table_of_the_store_belongs_to_the_base_or_to_one_kind() -> None:
    """A table added to the store but to no kind would silently drop out of the JSON backup."""
    from datacity_federation._services.records_kinds import BASE_TABLES, kind_tables
    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    stored = {table(getattr(t, name)).name for name in t.__all__ if name.endswith("Row")}
    assert kind_tables() == stored
    owners = [name for kind in RECORD_KINDS.values() for name in kind.tables]
    assert len(owners) == len(set(owners)) and not set(owners) & set(BASE_TABLES)
