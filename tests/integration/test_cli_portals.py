"""``datacity portals``: each command and each error path, against the fake portal server
(the ``fake_portals`` fixture of the package's pytest plugin)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from datacity_federation.testing.fake_portals import FakePortals

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., object]


def write_city(
    tmp: Path, url: str, kind: str = "opendatasoft", pins: tuple[str, ...] = ("ds-00001",)
) -> Path:
    """Paris, with its portal pointed at the fake server and the given data sets pinned."""
    text = (ROOT / "cities" / "paris.yaml").read_text(encoding="utf-8")
    text = text.replace("kind: opendatasoft", f"kind: {kind}")
    text = text.replace("https://opendata.paris.fr/api/explore/v2.1", url)
    refs = iter(pins)
    text = re.sub(
        r"\{portal: opendata-paris, dataset: [^}]+\}",
        lambda m: f"{{portal: opendata-paris, dataset: {next(refs, pins[0])}}}",
        text,
    )
    path = tmp / "paris.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_search_city_prints_matches(
    fake_portals: FakePortals, tmp_path: Path, run_cli: Run
) -> None:
    city = write_city(tmp_path, fake_portals.url("ods"))
    result = run_cli("portals", "search", str(city), "water", "--limit", "2")
    assert result.code == 0  # type: ignore[attr-defined]
    lines = result.out.splitlines()  # type: ignore[attr-defined]
    assert lines[0].startswith("ds-00003")
    assert lines[-1] == "2 of 30 data sets on opendata-paris match 'water'"


def test_search_json_prints_normalised_records(fake_portals: FakePortals, run_cli: Run) -> None:
    result = run_cli(
        "portals",
        "search",
        "--kind",
        "ckan",
        "--url",
        fake_portals.url("ckan"),
        "energy",
        "--json",
        "--limit",
        "1",
    )
    assert result.code == 0  # type: ignore[attr-defined]
    payload = json.loads(result.out)  # type: ignore[attr-defined]
    assert payload["total"] == 30
    assert payload["results"][0]["id"] == "ds-00002"
    assert payload["results"][0]["modified"] == "2024-01-01T00:02:00+00:00"


def test_search_warns_about_the_legacy_shape(fake_portals: FakePortals, run_cli: Run) -> None:
    result = run_cli(
        "portals", "search", "--kind", "opendatasoft", "--url", fake_portals.url("ods20"), "x"
    )
    assert result.code == 0  # type: ignore[attr-defined]
    assert "legacy Explore API v2.0 shape" in result.err  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("portals", "search", "atlantis", "x"), "datacity: error: no city 'atlantis'"),
        (
            ("portals", "search", "--kind", "ftp", "--url", "http://x.org", "q"),
            "--kind: unknown platform 'ftp'",
        ),
        (("portals", "search", "--kind", "ckan", "q"), "give both --kind and --url"),
        (("portals", "search", "--kind", "ckan", "--url", "nota-url", "q"), "--url:"),
        (("portals", "search", "paris"), "give CITY and QUERY"),
        (
            ("portals", "search", "paris", "x", "--portal", "nope"),
            "city paris has no portal 'nope' (known: opendata-paris)",
        ),
        (("portals", "search", "paris", "x", "--limit", "0"), "--limit: must be at least 1"),
        (
            ("portals", "check", "paris", "--stale-after", "0"),
            "--stale-after: must be at least 1 day",
        ),
    ],
)
def test_bad_input_is_one_clear_line(args: tuple[str, ...], message: str, run_cli: Run) -> None:
    result = run_cli(*args)
    assert result.code == 1  # type: ignore[attr-defined]
    assert message in result.err  # type: ignore[attr-defined]
    assert len(result.err.strip().splitlines()) == 1  # type: ignore[attr-defined]


def fault(fake_portals: FakePortals, mode: str) -> str:
    return fake_portals.url(f"faults/{mode}-{uuid.uuid4().hex[:8]}")


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        (
            "html",
            "datacity: error: portal adhoc (HTTP 502): answered with an HTML page instead of JSON (title '502 Bad Gateway')",
        ),
        ("truncated", "datacity: error: portal adhoc (HTTP 200): truncated JSON body"),
        ("quota", "datacity: error: portal adhoc (HTTP 429): Throttled: daily quota used up"),
        (
            "dropall",
            "datacity: error: portal adhoc: connection dropped before the answer was complete (127.0.0.1)",
        ),
        ("slow", "datacity: error: portal adhoc: timed out waiting for the answer (127.0.0.1)"),
    ],
)
def test_platform_failures_are_one_clear_line(
    fake_portals: FakePortals, mode: str, message: str, run_cli: Run
) -> None:
    result = run_cli(
        "portals",
        "search",
        "--kind",
        "ckan",
        "--url",
        fault(fake_portals, mode),
        "x",
        "--timeout",
        "0.5",
    )
    assert result.code == 1  # type: ignore[attr-defined]
    assert result.err.startswith(message)  # type: ignore[attr-defined]
    assert len(result.err.strip().splitlines()) == 1  # type: ignore[attr-defined]


def test_refused_connection_is_one_clear_line(run_cli: Run) -> None:
    result = run_cli(
        "portals", "search", "--kind", "ckan", "--url", "http://127.0.0.1:9/api/3/action/", "x"
    )
    assert result.code == 1  # type: ignore[attr-defined]
    assert result.err.startswith("datacity: error: portal adhoc: cannot connect to 127.0.0.1")  # type: ignore[attr-defined]


def test_unknown_host_is_one_clear_line(run_cli: Run) -> None:
    result = run_cli(
        "portals",
        "search",
        "--kind",
        "ckan",
        "--url",
        "http://no-such-host.invalid/api/3/action/",
        "x",
        "--timeout",
        "3",
    )
    assert result.code == 1  # type: ignore[attr-defined]
    assert result.err.startswith("datacity: error: portal adhoc: ")  # type: ignore[attr-defined]
    assert "no-such-host.invalid" in result.err  # type: ignore[attr-defined]


def test_check_passes_when_every_pin_resolves(
    fake_portals: FakePortals, tmp_path: Path, run_cli: Run
) -> None:
    city = write_city(tmp_path, fake_portals.url("ods"), pins=("ds-00001", "ds-00002"))
    result = run_cli("portals", "check", str(city), "--stale-after", "100000")
    assert result.code == 0  # type: ignore[attr-defined]
    assert result.out.splitlines()[-1] == "paris: 3 pinned data sets: 3 ok"  # type: ignore[attr-defined]


def test_check_fails_on_a_missing_data_set(
    fake_portals: FakePortals, tmp_path: Path, run_cli: Run
) -> None:
    city = write_city(
        tmp_path, fake_portals.url("ckan"), kind="ckan", pins=("ds-00001", "gone-for-good")
    )
    result = run_cli("portals", "check", str(city))
    assert result.code == 1  # type: ignore[attr-defined]
    out = result.out  # type: ignore[attr-defined]
    assert (
        "missing          pedestrian-flows: opendata-paris/gone-for-good: Not Found Error: Not found"
        in out
    )
    assert (
        "stale            waste-collection: opendata-paris/ds-00001: not modified since 2024-01-01"
        in out
    )
    assert out.splitlines()[-1] == "paris: 3 pinned data sets: 0 ok, 1 missing, 2 stale"


def test_check_json_lists_findings(fake_portals: FakePortals, tmp_path: Path, run_cli: Run) -> None:
    city = write_city(tmp_path, fake_portals.url("ods"), pins=("ds-00001", "nope"))
    result = run_cli("portals", "check", str(city), "--json")
    assert result.code == 1  # type: ignore[attr-defined]
    findings = json.loads(result.out)  # type: ignore[attr-defined]
    assert [f["statuses"] for f in findings] == [["stale"], ["missing"], ["stale"]]


def test_check_reports_an_unreachable_portal_as_unchecked(tmp_path: Path, run_cli: Run) -> None:
    city = write_city(tmp_path, "http://127.0.0.1:9/api/explore/v2.1")
    result = run_cli("portals", "check", str(city))
    assert result.code == 1  # type: ignore[attr-defined]
    assert (
        "unchecked        waste-collection: opendata-paris/ds-00001: portal opendata-paris: cannot connect"
        in result.out
    )  # type: ignore[attr-defined]
