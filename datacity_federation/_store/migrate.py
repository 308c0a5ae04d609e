"""Alembic, run from Python: the migrations ship inside the package (no alembic.ini needed).

Rule header: the revision chain in ``migrations/versions`` is linear (one head, checked by a
test); each revision names the one before it in ``down_revision``. ``upgrade`` and
``downgrade`` run in one transaction per call on the given engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from datacity_federation.errors import StoreError

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Any:
    """An Alembic ``Config`` pointing at the shipped migrations (and ``connection`` if given)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision shipped with the library."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise StoreError(f"the migrations have {len(heads)} heads ({', '.join(heads)}); keep one")
    return str(heads[0])


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or ``None`` when it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _run(engine: Engine, action: str, target: str) -> None:
    from alembic import command

    try:
        with engine.begin() as conn:
            getattr(command, action)(alembic_config(conn), target)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        raise StoreError(f"migration {action} to {target} failed: {orig}") from None


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the database to ``target`` (default: the newest revision)."""
    _run(engine, "upgrade", target)


def downgrade(engine: Engine, target: str) -> None:
    """Take the database back to ``target`` (``base`` removes every table)."""
    _run(engine, "downgrade", target)
