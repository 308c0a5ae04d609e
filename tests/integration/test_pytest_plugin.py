"""The package's pytest plugin, used as a downstream project uses it: a test file of its own,
run by pytest in a new process where only the installed entry point provides the fixtures."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from datacity_federation.testing.postgres import find_pg_bin

pytestmark = pytest.mark.integration

DOWNSTREAM = """
import httpx
from sqlalchemy import create_engine, text

from datacity_federation import load_federation


def test_shipped_cities_validate(run_cli, cities_dir):
    result = run_cli("validate", str(cities_dir))
    assert result.code == 0, result.err
    assert [c.id for c in load_federation(cities_dir).cities][0] == "paris"


def test_cli_refusal_is_one_clean_line(run_cli):
    result = run_cli("timeline", "atlantis")
    assert result.code == 1
    assert "Traceback" not in result.err


def test_local_hub_serves_an_empty_feed(local_hub):
    assert local_hub.db_url.startswith("sqlite:///")
    health = httpx.get(f"{local_hub.url}/api/v1/health")
    assert health.status_code == 200
    feed = httpx.get(f"{local_hub.url}/api/v1/feed").json()
    assert feed["items"] == []


def test_fake_portals_serve_a_ckan_catalogue(fake_portals):
    answer = httpx.get(fake_portals.url("ckan") + "package_search", params={"rows": 1}).json()
    assert answer["success"] is True
    assert answer["result"]["count"] == 122  # 120 data sets and 2 harvest sources, as CKAN counts


def test_pg_url_is_a_new_empty_database(pg_url):
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
        assert tables.scalar_one() == 0
    engine.dispose()
"""


def test_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    found = {e.name: e.value for e in entry_points(group="pytest11")}
    assert found.get("datacity") == "datacity_federation.testing.plugin"


def test_downstream_tests_use_the_plugin_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_downstream=DOWNSTREAM)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    if find_pg_bin() is None:
        result.assert_outcomes(passed=4, skipped=1)
    else:
        result.assert_outcomes(passed=5)


def test_a_fixture_failure_reaches_the_downstream_report(pytester: pytest.Pytester) -> None:
    """``run_cli`` fails the downstream test when a traceback reaches stderr (not silently)."""
    pytester.makepyfile(
        test_traceback="""
import sys

import datacity_federation._cli as cli


def test_crash(run_cli, monkeypatch):
    def crash(argv):
        print("Traceback (most recent call last):", file=sys.stderr)
        return 70

    monkeypatch.setattr(cli, "main", crash)
    run_cli("validate")
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Traceback (most recent call last)*"])
