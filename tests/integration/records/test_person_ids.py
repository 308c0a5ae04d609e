"""Person ids: random, never derived from an e-mail; old derived ids re-keyed by r0005."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, select, text, update

from datacity_federation._store import tables as t
from datacity_federation._store.mapping import table

pytestmark = pytest.mark.integration

EMAIL = "camille.martin@example.org"
RANDOM_ID = re.compile(r"^p-[0-9a-f]{32}$")


def old_derived_id(city: str, email: str) -> str:
    """The id earlier imports gave: a plain hash of the address (what r0005 removes)."""
    return "p-" + hashlib.sha256(f"{city}\n{email}".encode()).hexdigest()[:16]


def person_of(engine: Engine, email: str) -> str:
    people = table(t.PersonRow)
    with engine.connect() as conn:
        return str(conn.execute(select(people.c.id).where(people.c.email == email)).scalar_one())


def every_text(engine: Engine) -> str:
    """Every value of every row of the store, as one text (to look for what must not be there)."""
    out = []
    with engine.connect() as conn:
        for name in ("people", "applications", "reviewers", "reviews", "audit_events"):
            out.extend(repr(tuple(r)) for r in conn.execute(text(f"SELECT * FROM {name}")))
    return "\n".join(out)


def test_imported_contact_gets_a_random_id_reused_for_the_same_address(season_1: Engine) -> None:
    pid = person_of(season_1, EMAIL)
    assert RANDOM_ID.match(pid)
    assert pid != old_derived_id("paris", EMAIL)
    apps = table(t.ApplicationRow)
    with season_1.connect() as conn:
        contacts = set(
            conn.execute(select(apps.c.contact_id).where(apps.c.contact_id == pid)).scalars()
        )
    assert contacts == {pid}


def test_erased_person_leaves_nothing_to_confirm_a_guessed_address(season_1: Engine) -> None:
    from datacity_federation._services import records

    pid = person_of(season_1, EMAIL)
    records.erase_person(db=season_1, person=pid, by="dpo", at=datetime(2016, 1, 1, tzinfo=UTC))
    dump = every_text(season_1)
    assert EMAIL not in dump
    for guess in (EMAIL, EMAIL.upper(), f" {EMAIL} "):
        digest = hashlib.sha256(f"paris\n{guess.strip().lower()}".encode()).hexdigest()
        assert (
            digest[:16] not in dump and hashlib.sha256(guess.encode()).hexdigest()[:16] not in dump
        )


def test_r0005_re_keys_ids_derived_from_an_address(season_1: Engine) -> None:
    from datacity_federation._store.migrate import downgrade, upgrade

    random_id = person_of(season_1, EMAIL)
    derived = old_derived_id("paris", EMAIL)
    downgrade(season_1, "r0004_portal_cursors")
    people, apps, events = table(t.PersonRow), table(t.ApplicationRow), table(t.AuditEventRow)
    with season_1.begin() as conn:  # the store as an earlier import left it
        row = conn.execute(select(people).where(people.c.id == random_id)).mappings().one()
        conn.execute(insert(people).values(**{**row, "id": derived}))
        conn.execute(update(apps).where(apps.c.contact_id == random_id).values(contact_id=derived))
        conn.execute(people.delete().where(people.c.id == random_id))
        conn.execute(
            insert(events).values(
                city_id="paris",
                kind="person",
                record=derived,
                from_state=None,
                to_state="erased",
                at=datetime(2016, 1, 1, tzinfo=UTC),
                by="dpo",
                why="erasure requested by the person",
                override=False,
            )
        )
    upgrade(season_1)
    assert derived not in every_text(season_1)
    now = person_of(season_1, EMAIL)
    assert RANDOM_ID.match(now) and now != random_id
    with season_1.connect() as conn:
        assert conn.execute(select(apps.c.id).where(apps.c.contact_id == now)).all()
        records = set(
            conn.execute(select(events.c.record).where(events.c.kind == "person")).scalars()
        )
    assert now in records
