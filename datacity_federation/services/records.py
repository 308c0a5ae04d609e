"""Use cases over the programme records, with keyword-only arguments.

Every function takes the database as ``db`` (a path, a URL or an ``Engine``; default
``$DATACITY_DB`` or ``./datacity.db``) and runs in one transaction: on any error nothing is
written. Domain rules live in :mod:`datacity_federation.domain.lifecycle`; this module loads,
checks, writes and records the audit events.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["upgrade_database"]


def upgrade_database(
    *, db: str | Path | Engine | None = None, target: str = "head"
) -> tuple[str | None, str | None]:
    """Migrate the database to ``target``; return the revisions before and after."""
    from sqlalchemy import Engine
    from sqlalchemy.exc import SQLAlchemyError

    from datacity_federation.errors import StoreError
    from datacity_federation.store.engine import make_engine
    from datacity_federation.store.migrate import current_revision, upgrade

    engine = db if isinstance(db, Engine) else make_engine(db)
    try:
        with engine.connect() as conn:
            before = current_revision(conn)
        upgrade(engine, target)
        with engine.connect() as conn:
            after = current_revision(conn)
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(
            f"{where}: {str(getattr(exc, 'orig', exc)).strip().splitlines()[0]}"
        ) from None
    finally:
        if not isinstance(db, Engine):
            engine.dispose()
    return before, after
