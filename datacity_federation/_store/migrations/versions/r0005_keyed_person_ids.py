"""Re-key person ids derived from an e-mail address: random ids instead.

Earlier imports gave a contact known only by e-mail the id ``p-`` + the first 16 hex digits of
``sha256(city + "\\n" + e-mail)``: anyone holding the store could confirm a guessed address, even
after the person was erased. Every id of that form becomes a random ``p-`` + 32 hex digits, in
every table that names the person (people, reviewers and their reviews, scores and conflicts,
application contacts, audit events). Rows are copied under the new id and the old ones deleted,
so foreign keys hold at every step on SQLite and PostgreSQL alike.

The downgrade keeps the random ids: the old ones cannot be recomputed for erased people (that
is the point), and every earlier revision takes an id as opaque text.

Revision ID: r0005_keyed_person_ids
Revises: r0004_portal_cursors
Create Date: 2026-12-06 23:55:00
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from alembic import op

revision = "r0005_keyed_person_ids"
down_revision = "r0004_portal_cursors"
branch_labels = None
depends_on = None

DERIVED = re.compile(r"^p-[0-9a-f]{16}$")


def _copy(conn: sa.Connection, table: sa.Table, match: dict[str, str], new: dict[str, str]) -> None:
    where = sa.and_(*(table.c[k] == v for k, v in match.items()))
    rows = [dict(r._mapping) for r in conn.execute(sa.select(table).where(where))]
    if rows:
        conn.execute(sa.insert(table), [{**r, **new} for r in rows])


def _update(
    conn: sa.Connection, table: sa.Table, match: dict[str, str], new: dict[str, str]
) -> None:
    where = sa.and_(*(table.c[k] == v for k, v in match.items()))
    conn.execute(sa.update(table).where(where).values(**new))


def _delete(conn: sa.Connection, table: sa.Table, match: dict[str, str]) -> None:
    conn.execute(sa.delete(table).where(sa.and_(*(table.c[k] == v for k, v in match.items()))))


def upgrade() -> None:
    conn = op.get_bind()
    meta = sa.MetaData()
    names = ("people", "reviewers", "reviews", "review_scores", "reviewer_conflicts")
    t = {n: sa.Table(n, meta, autoload_with=conn) for n in (*names, "applications", "audit_events")}
    people = t["people"]
    found = conn.execute(sa.select(people.c.city_id, people.c.id)).all()
    for city, old in found:
        if not DERIVED.match(old):
            continue
        new = f"p-{secrets.token_hex(16)}"
        _copy(conn, people, {"city_id": city, "id": old}, {"id": new})
        _copy(conn, t["reviewers"], {"city_id": city, "id": old}, {"id": new})
        _copy(conn, t["reviews"], {"city_id": city, "reviewer_id": old}, {"reviewer_id": new})
        for child in ("review_scores", "reviewer_conflicts"):
            _update(conn, t[child], {"city_id": city, "reviewer_id": old}, {"reviewer_id": new})
        _delete(conn, t["reviews"], {"city_id": city, "reviewer_id": old})
        _delete(conn, t["reviewers"], {"city_id": city, "id": old})
        _update(conn, t["applications"], {"city_id": city, "contact_id": old}, {"contact_id": new})
        events = t["audit_events"]
        conn.execute(
            sa.update(events)
            .where(
                events.c.city_id == city,
                events.c.record == old,
                events.c.kind.in_(("person", "reviewer")),
            )
            .values(record=new)
        )
        _delete(conn, people, {"city_id": city, "id": old})


def downgrade() -> None:
    """Random ids stay random (see the module docstring)."""
