"""Where the records live: --db, DATACITY_DB, ./datacity.db (resolved by the command line only);
a path is a SQLite file, URLs as given."""

from __future__ import annotations

import pytest

from datacity_federation._cli.options import city_db
from datacity_federation._store.engine import database_url

pytestmark = pytest.mark.unit


def test_city_db_default_is_local_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATACITY_DB", raising=False)
    assert database_url(city_db(None)) == "sqlite:///datacity.db"


def test_city_db_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATACITY_DB", "/data/city.db")
    assert database_url(city_db(None)) == "sqlite:////data/city.db"


def test_city_db_explicit_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATACITY_DB", "/data/city.db")
    assert database_url(city_db("other.db")) == "sqlite:///other.db"


def test_database_url_ignores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATACITY_DB", "/data/city.db")
    assert database_url("other.db") == "sqlite:///other.db"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_urls_kept_with_psycopg_driver(given: str, expected: str) -> None:
    assert database_url(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("city.db", "city.db"),
        ("sqlite:///city.db", "city.db"),
        ("postgresql://u:secret@127.0.0.1:1/db", "postgresql+psycopg://u:***@127.0.0.1:1/db"),
    ],
)
def test_database_label_names_the_file_or_the_url_without_password(
    given: str, expected: str
) -> None:
    from datacity_federation._store.engine import database_label, make_engine

    engine = make_engine(given)
    try:
        assert database_label(engine) == expected
    finally:
        engine.dispose()
