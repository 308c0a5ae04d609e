"""Migrations: head equals the models, the chain is linear, and down/up round trips."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from datacity_federation.errors import StoreError

pytestmark = pytest.mark.integration

BACKENDS = ["sqlite", "postgresql"]


def _diff(url: str) -> list[object]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from datacity_federation._store.engine import make_engine
    from datacity_federation._store.tables import metadata

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


@pytest.mark.parametrize("fresh_db_url", BACKENDS, indirect=True)
def test_upgrade_head_on_empty_database_equals_models(fresh_db_url: str) -> None:
    from datacity_federation._store.engine import make_engine
    from datacity_federation._store.migrate import upgrade
    from datacity_federation._store.tables import metadata

    engine = make_engine(fresh_db_url)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set(metadata.tables)
    assert _diff(fresh_db_url) == []


@pytest.mark.parametrize("fresh_db_url", BACKENDS, indirect=True)
def test_downgrade_base_then_upgrade_round_trips(fresh_db_url: str) -> None:
    from datacity_federation._store.engine import make_engine
    from datacity_federation._store.migrate import (
        current_revision,
        downgrade,
        head_revision,
        upgrade,
    )

    engine = make_engine(fresh_db_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    engine.dispose()
    assert _diff(fresh_db_url) == []


def test_migration_chain_has_one_head() -> None:
    from alembic.script import ScriptDirectory

    from datacity_federation._store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


@pytest.mark.parametrize("fresh_db_url", ["sqlite"], indirect=True)
def test_open_store_creates_new_sqlite_file_at_head(fresh_db_url: str) -> None:
    from datacity_federation._store.engine import open_store
    from datacity_federation._store.migrate import current_revision, head_revision

    engine = open_store(fresh_db_url)
    with engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    engine.dispose()


@pytest.mark.parametrize("fresh_db_url", ["sqlite"], indirect=True)
def test_open_store_refuses_database_behind_head(fresh_db_url: str) -> None:
    from datacity_federation._store.engine import make_engine, open_store
    from datacity_federation._store.migrate import downgrade, upgrade

    engine = make_engine(fresh_db_url)
    upgrade(engine)
    downgrade(engine, "base")
    engine.dispose()
    with pytest.raises(StoreError, match="run `datacity db upgrade`"):
        open_store(fresh_db_url)


def test_foreign_keys_enforced_on_sqlite(tmp_path: object) -> None:
    from sqlalchemy import text

    from datacity_federation._store.engine import open_store

    engine = open_store(f"{tmp_path}/fk.db")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
