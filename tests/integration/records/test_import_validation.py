"""Each CSV kind end to end: a value the domain's type refuses is refused at import with its row
named, and nothing reaches the store; a value it accepts is written. Every example runs on a fresh
copy of one SQLite store (synced, or with Paris season 1 imported)."""

from __future__ import annotations

import itertools
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from records_helpers import CITIES, ORDER, TEMPLATES, counts
from sqlalchemy import Engine

from datacity_federation._services.records_import import import_csv
from datacity_federation.domain.base import Email, Slug, value_problems
from datacity_federation.domain.records import Amount, Measure, RecordId
from datacity_federation.errors import ImportRowsError

pytestmark = pytest.mark.integration

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_copies = itertools.count()

slugs = st.one_of(
    st.integers(min_value=60, max_value=70).map(lambda n: "n" * n),
    st.builds(
        lambda n, c: "s" * n + c, st.integers(1, 64), st.sampled_from(["-x", "_", "A", " b"])
    ),
    st.just("z" * 100),
)
record_ids = st.one_of(
    st.builds(lambda n: "R-" + "9" * n, st.integers(58, 64)),
    st.sampled_from(["R.new_1", "-R", "R 1", "R/1", "Ré"]),
)
emails = st.sampled_from(["new@example.org", "new@example", "nobody", "a@" + "b" * 260 + ".org"])
amounts = st.one_of(
    st.decimals(min_value=-1, max_value=10**9, places=5, allow_nan=False).map(str),
    st.sampled_from(["0", "0.0001", "0.00001", "-0.0001", "NaN", "Infinity", "1e3", "12,5"]),
)


def _store(tmp_path_factory: pytest.TempPathFactory, season: bool) -> Path:
    from datacity_federation._services.records import sync_config
    from datacity_federation._store.engine import open_store

    path = tmp_path_factory.mktemp("template") / "records.db"
    engine = open_store(path)
    sync_config(db=engine, cities_dir=CITIES, by="test")
    if season:
        for kind in ORDER:
            import_csv(
                db=engine, kind=kind, path=TEMPLATES / f"{kind}.csv", city="paris",
                season="s1", by="test",
            )  # fmt: skip
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def synced_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory, season=False)


@pytest.fixture(scope="module")
def season_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _store(tmp_path_factory, season=True)


def imported(template: Path, kind: str, text: str, on: date | None = None) -> list[str] | None:
    """Import ``text`` as ``kind`` into a fresh copy of ``template``: ``None`` when written,
    else the problems (after checking that the refusal wrote nothing)."""
    from datacity_federation._store.engine import open_store

    copy = template.with_name(f"copy-{next(_copies)}.db")
    shutil.copy(template, copy)
    csv_path = copy.with_suffix(".csv")
    csv_path.write_text(text, encoding="utf-8")
    engine: Engine = open_store(copy)
    try:
        before = counts(engine)
        try:
            import_csv(
                db=engine, kind=kind, path=csv_path, city="paris", season="s1", by="t", on=on
            )
        except ImportRowsError as exc:
            assert counts(engine) == before
            return [str(p).removeprefix(f"{csv_path}:") for p in exc.problems]
        assert counts(engine) != before
        return None
    finally:
        engine.dispose()
        copy.unlink()
        csv_path.unlink()


def ok(kind: Any, value: Any) -> bool:
    return value_problems(kind, value) == []


def agrees(problems: list[str] | None, accepted: bool, column: str = "") -> None:
    """Written exactly when the domain accepts; else refused at row 2 (and ``column``)."""
    assert (problems is None) is accepted, problems
    if problems is not None and column:
        assert problems[0].startswith(f"2: {column}: "), problems


@EXAMPLES
@given(value=slugs)
def test_startups_id_refused_like_the_domain(synced_file: Path, value: str) -> None:
    problems = imported(synced_file, "startups", f"id,name\n{value},New\n")
    agrees(problems, ok(Slug, value), "id")


@EXAMPLES
@given(value=slugs)
def test_applications_new_startup_refused_like_the_domain(synced_file: Path, value: str) -> None:
    text = f"id,challenge,startup,startup_name,status,language\nA-1,waste-collection,{value},New,draft,fr\n"
    problems = imported(synced_file, "applications", text, on=date(2016, 1, 2))
    assert (problems is None) is ok(Slug, value)
    if problems is not None:
        assert problems == [f"2: startup: {value_problems(Slug, value)[0].message}"]


@EXAMPLES
@given(value=record_ids, email=emails)
def test_reviewers_refused_like_the_domain(synced_file: Path, value: str, email: str) -> None:
    problems = imported(synced_file, "reviewers", f"id,email\n{value},{email}\n")
    agrees(problems, ok(RecordId, value) and ok(Email, email))


@EXAMPLES
@given(amount=amounts)
def test_sponsorship_amount_refused_like_the_domain(season_file: Path, amount: str) -> None:
    problems = imported(season_file, "sponsorships", f'partner,amount\ninria,"{amount}"\n')
    agrees(problems, ok(Amount, amount), "amount")


@EXAMPLES
@given(amount=amounts)
def test_contract_amount_refused_like_the_domain(season_file: Path, amount: str) -> None:
    problems = imported(
        season_file, "contracts", f'pilot,partner,amount\nPIL-001,cisco,"{amount}"\n'
    )
    agrees(problems, ok(Amount, amount), "amount")


@EXAMPLES
@given(value=amounts)
def test_measurement_value_refused_like_the_domain(season_file: Path, value: str) -> None:
    text = f'pilot,indicator,measured_on,value\nPIL-002,flow_forecast_error,2016-04-20,"{value}"\n'
    problems = imported(season_file, "measurements", text)
    agrees(problems, ok(Measure, value), "value")


@EXAMPLES
@given(score=st.integers(min_value=-2, max_value=102))
def test_review_score_refused_like_the_domain_and_rubric(season_file: Path, score: int) -> None:
    text = (
        "application,reviewer,recommendation,reviewed_on,score_impact,score_feasibility,"
        f"score_data_use\nAPP-004,R-city-1,shortlist,2016-01-28,{score},3,4\n"
    )
    problems = imported(season_file, "reviews", text)
    assert (problems is None) is (0 <= score <= 5)
    if problems is not None and not 0 <= score <= 100:
        assert problems[0].startswith("2: score_impact: ")


@EXAMPLES
@given(value=record_ids)
def test_pilot_id_refused_like_the_domain(season_file: Path, value: str) -> None:
    text = f"id,application,status\n{value},APP-004,planned\n"
    problems = imported(season_file, "pilots", text, on=date(2016, 3, 1))
    if not ok(RecordId, value):
        assert problems is not None
        assert problems[0].startswith("2: id: ")


def test_hundred_character_startup_slug_refused_at_import(synced_file: Path) -> None:
    """Regression: it used to be written, then `records export`, `rank` and `season status`
    failed on it with an internal error."""
    slug = "a" * 100
    text = f"id,challenge,startup,startup_name,status,language\nA-1,waste-collection,{slug},Long,draft,fr\n"
    assert imported(synced_file, "applications", text, on=date(2016, 1, 2)) == [
        f"2: startup: String should have at most 64 characters (got '{'a' * 57}...')"
    ]
    assert imported(synced_file, "startups", f"id,name\n{slug},Long\n") == [
        f"2: id: String should have at most 64 characters (got '{'a' * 57}...')"
    ]
