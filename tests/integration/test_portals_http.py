"""The adapters against a real HTTP server on 127.0.0.1 that behaves like each platform."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest

from datacity_federation._portals import PortalAdapter, RetryPolicy, make_adapter, make_client
from datacity_federation.domain.city import Portal, RateLimit
from datacity_federation.errors import (
    DatasetNotFound,
    PortalBadResponse,
    PortalQueryError,
    PortalRateLimited,
    PortalUnreachable,
)
from datacity_federation.testing.fake_portals import FakePortals

pytestmark = pytest.mark.integration

T = TypeVar("T")
FAST = RetryPolicy(attempts=3, base_delay=0.05, max_delay=0.2, max_retry_after=5)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePortals]:
    with FakePortals(datasets=2345) as server:
        yield server


def run(
    fake: FakePortals,
    kind: str,
    prefix: str,
    work: Callable[[PortalAdapter], Awaitable[T]],
    *,
    timeout: float = 10.0,
    rate_limit: RateLimit | None = None,
    **options: Any,
) -> T:
    portal = Portal(
        id="test-portal", kind=kind, url=fake.url(prefix), lang="fr", rate_limit=rate_limit
    )  # type: ignore[arg-type]

    async def main() -> T:
        async with make_client(timeout=timeout, connect_timeout=timeout) as client:
            adapter = make_adapter(
                portal, client=client, retry=options.pop("retry", FAST), **options
            )
            return await work(adapter)

    return asyncio.run(main())


def tag(mode: str) -> str:
    return f"faults/{mode}-{uuid.uuid4().hex[:8]}"


# --- paging and caps ------------------------------------------------------------------------


def test_ckan_harvest_pages_on_start_and_drops_harvest_sources(fake: FakePortals) -> None:
    seen: list[tuple[int, int | None]] = []
    records = run(
        fake, "ckan", "ckan", lambda a: a.harvest(progress=lambda d, t: seen.append((d, t)))
    )
    assert len(records) == 2345
    assert len({r.id for r in records}) == 2345
    assert seen[-1] == (2345, 2345)
    assert records[0].title["ca"].endswith("(ca)")
    assert records[0].modified is not None and records[0].modified.tzinfo is not None


def test_ckan_harvest_with_small_pages_uses_concurrency(fake: FakePortals) -> None:
    before = fake.requests["ckan"]
    records = run(fake, "ckan", "ckan", lambda a: a.harvest(), page_size=100)
    assert len(records) == 2345
    assert fake.requests["ckan"] - before == 24


def test_ckan_harvest_since_asks_only_for_changes(fake: FakePortals) -> None:
    since = fake.datasets[-3].modified
    records = run(fake, "ckan", "ckan", lambda a: a.harvest(since=since))
    assert sorted(r.id for r in records) == [d.id for d in fake.datasets[-3:]]


def test_ckan_search_and_get(fake: FakePortals) -> None:
    page = run(fake, "ckan", "ckan", lambda a: a.search("waste", limit=5))
    assert len(page.items) == 5
    assert page.total == 587
    record = run(fake, "ckan", "ckan", lambda a: a.get("ds-00007"))
    assert record.id == "ds-00007"


def test_ckan_get_unknown_is_not_found(fake: FakePortals) -> None:
    with pytest.raises(DatasetNotFound, match=r"portal test-portal \(HTTP 404\): Not Found Error"):
        run(fake, "ckan", "ckan", lambda a: a.get("nope"))


def test_ckan_bad_solr_query_is_a_query_error(fake: FakePortals) -> None:
    with pytest.raises(PortalQueryError, match="Search Query Error"):
        run(fake, "ckan", "ckan", lambda a: a.search('"unbalanced'))


def test_ods_harvest_under_the_cap_pages_concurrently(fake: FakePortals) -> None:
    before = fake.requests["ods"]
    records = run(fake, "opendatasoft", "ods", lambda a: a.harvest())
    assert len(records) == 2345
    assert fake.requests["ods"] - before == 24


def test_ods_harvest_over_the_cap_switches_to_the_export() -> None:
    with FakePortals(datasets=10_050) as big:
        before = big.requests["ods"]
        records = run(big, "opendatasoft", "ods", lambda a: a.harvest())
        assert len(records) == 10_050
        assert big.requests["ods"] - before == 2


def test_ods_search_past_the_cap_returns_nothing(fake: FakePortals) -> None:
    page = run(fake, "opendatasoft", "ods", lambda a: a.search("", limit=100, cursor="9950"))
    assert page.items == ()


def test_ods_search_and_get(fake: FakePortals) -> None:
    page = run(fake, "opendatasoft", "ods", lambda a: a.search("energy", limit=3))
    assert [r.title_in("fr") for r in page.items] == [
        "Data set 2 about energy",
        "Data set 6 about energy",
        "Data set 10 about energy",
    ]
    with pytest.raises(DatasetNotFound, match="Unknown dataset: nope"):
        run(fake, "opendatasoft", "ods", lambda a: a.get("nope"))


def test_ods_v20_server_is_read_and_reported(fake: FakePortals) -> None:
    async def work(adapter: PortalAdapter) -> tuple[int, list[str]]:
        page = await adapter.search("", limit=10)
        return len(page.items), list(getattr(adapter, "warnings", []))

    count, warnings = run(fake, "opendatasoft", "ods20", work)
    assert count == 10
    assert warnings == [
        "portal test-portal answers in the legacy Explore API v2.0 shape; "
        "point its url at .../api/explore/v2.1"
    ]


def test_sg_harvest_walks_every_page_with_since(fake: FakePortals) -> None:
    records = run(fake, "datagovsg", "sg", lambda a: a.harvest())
    assert len(records) == 2345
    since = fake.datasets[-2].modified
    recent = run(fake, "datagovsg", "sg", lambda a: a.harvest(since=since))
    assert len(recent) == 1


def test_sg_search_filters_locally_and_get_reads_metadata(fake: FakePortals) -> None:
    page = run(fake, "datagovsg", "sg", lambda a: a.search("110 about ENERGY", limit=2))
    assert [r.title_in() for r in page.items] == [
        "Data set 110 about energy",
        "Data set 1102 about energy",
    ]
    record = run(fake, "datagovsg", "sg", lambda a: a.get(f"d_{5:032x}"))
    assert record.description == {"en": "About Data set 5 about mobility"}
    with pytest.raises(DatasetNotFound, match="DATASET_NOT_FOUND"):
        run(fake, "datagovsg", "sg", lambda a: a.get("d_nope"))


def test_sg_throttle_keeps_to_the_rate_limit() -> None:
    # Only the lower bound is asserted: it fails when the throttle lets calls through early,
    # while an upper bound on wall time would measure the machine's other load, not the code.
    with FakePortals(datasets=300) as small:  # 30 pages
        start = time.monotonic()
        limit = RateLimit(calls=10, per_seconds=0.5)
        records = run(small, "datagovsg", "sg", lambda a: a.harvest(), rate_limit=limit)
        throttled = time.monotonic() - start
    assert len(records) == 300
    assert throttled >= 0.99  # 10 at once, 10 after 0.5 s, the last 10 after 1 s


def test_socrata_harvest_and_get(fake: FakePortals) -> None:
    records = run(fake, "socrata", "socrata", lambda a: a.harvest())
    assert len(records) == 2345
    record = run(fake, "socrata", "socrata", lambda a: a.get("00042-fake"))
    assert record.title_in() == "Data set 42 about energy"
    with pytest.raises(DatasetNotFound):
        run(fake, "socrata", "socrata", lambda a: a.get("zzzz-zzzz"))


def test_dcat_harvest_search_get(fake: FakePortals) -> None:
    records = run(
        fake, "dcat", "dcat", lambda a: a.harvest(since=datetime(2024, 1, 1, 12, tzinfo=UTC))
    )
    assert len(records) == 2345 - 1440
    page = run(fake, "dcat", "dcat", lambda a: a.search("about water", limit=2))
    assert page.total == 586
    assert run(fake, "dcat", "dcat", lambda a: a.get("ds-00003")).id == "ds-00003"


def test_redirects_are_followed(fake: FakePortals) -> None:
    assert run(fake, "ckan", "moved", lambda a: a.get("ds-00009")).id == "ds-00009"


def test_gzip_answers_are_decoded(fake: FakePortals) -> None:
    import urllib.request

    request = urllib.request.Request(
        fake.url("ckan") + "package_search?rows=50", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request) as answer:  # the fake really compresses
        assert answer.headers["Content-Encoding"] == "gzip"
    page = run(fake, "ckan", "ckan", lambda a: a.search("", limit=50))
    assert len(page.items) == 50


def test_dcat_reads_its_catalogue_once_per_adapter(fake: FakePortals) -> None:
    async def work(adapter: PortalAdapter) -> list[str]:
        return [(await adapter.get(i)).id for i in ("ds-00001", "ds-00002", "ds-00003")]

    before = fake.requests["dcat"]
    assert run(fake, "dcat", "dcat", work) == ["ds-00001", "ds-00002", "ds-00003"]
    assert fake.requests["dcat"] - before == 1


def test_sg_search_reads_pages_in_batches_and_gives_a_cursor(fake: FakePortals) -> None:
    page = run(fake, "datagovsg", "sg", lambda a: a.search("about waste", limit=12))
    assert len(page.items) == 12
    assert page.next_cursor is not None and int(page.next_cursor) > 1


# --- faults ---------------------------------------------------------------------------------


def test_a_500_then_success_is_retried(fake: FakePortals) -> None:
    prefix = tag("500")
    record = run(fake, "ckan", prefix, lambda a: a.get("ds-00001"))
    assert record.id == "ds-00001"
    assert fake.faults[prefix.split("/")[1]] == 2


def test_a_429_with_retry_after_is_honoured(fake: FakePortals) -> None:
    prefix = tag("429")
    start = time.monotonic()
    record = run(fake, "ckan", prefix, lambda a: a.get("ds-00001"))
    assert record.id == "ds-00001"
    assert time.monotonic() - start >= 0.95


def test_a_429_asking_for_an_hour_fails_at_once(fake: FakePortals) -> None:
    start = time.monotonic()
    with pytest.raises(PortalRateLimited) as info:
        run(fake, "ckan", tag("quota"), lambda a: a.get("ds-00001"))
    # It does not wait the hour; the generous bound keeps a busy machine from failing the test.
    assert time.monotonic() - start < 60
    assert info.value.retry_after == 3600
    assert "daily quota used up" in str(info.value)


def test_a_dropped_connection_is_retried(fake: FakePortals) -> None:
    assert run(fake, "ckan", tag("drop"), lambda a: a.get("ds-00002")).id == "ds-00002"


def test_a_connection_dropped_every_time_is_one_clear_error(fake: FakePortals) -> None:
    with pytest.raises(
        PortalUnreachable, match="connection dropped before the answer was complete"
    ):
        run(fake, "ckan", tag("dropall"), lambda a: a.get("ds-00002"))


def test_an_html_error_page_is_one_clear_error(fake: FakePortals) -> None:
    with pytest.raises(PortalBadResponse) as info:
        run(fake, "ckan", tag("html"), lambda a: a.get("ds-00002"), retry=RetryPolicy(attempts=1))
    assert str(info.value) == (
        "portal test-portal (HTTP 502): answered with an HTML page instead of JSON "
        "(title '502 Bad Gateway')"
    )


def test_a_truncated_body_is_one_clear_error(fake: FakePortals) -> None:
    with pytest.raises(PortalBadResponse, match=r"truncated JSON body \(78 bytes"):
        run(fake, "ckan", tag("truncated"), lambda a: a.search("x"))


def test_a_timeout_is_one_clear_error(fake: FakePortals) -> None:
    with pytest.raises(PortalUnreachable, match=r"timed out waiting for the answer \(127.0.0.1\)"):
        run(
            fake,
            "ckan",
            tag("slow"),
            lambda a: a.get("x"),
            timeout=0.3,
            retry=RetryPolicy(attempts=1),
        )


def test_a_refused_connection_is_one_clear_error() -> None:
    portal = Portal(id="gone", kind="ckan", url="http://127.0.0.1:9/api/3/action/")  # type: ignore[arg-type]

    async def main() -> None:
        async with make_client() as client:
            await make_adapter(portal, client=client, retry=FAST).get("x")

    with pytest.raises(PortalUnreachable, match=r"portal gone: cannot connect to 127.0.0.1"):
        asyncio.run(main())


def test_user_agent_and_api_key_headers_are_sent() -> None:
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, json={"code": 0, "data": {"datasets": [], "pages": 1}})

    portal = Portal(
        id="sg", kind="datagovsg", url="https://sg.example/v2/public/api", api_key_env="SG_KEY"
    )  # type: ignore[arg-type]

    async def main() -> None:
        async with make_client(transport=httpx.MockTransport(handler)) as client:
            await make_adapter(portal, client=client, environ={"SG_KEY": "k-123"}).harvest()

    asyncio.run(main())
    assert seen[0]["x-api-key"] == "k-123"
    assert seen[0]["user-agent"].startswith("datacity-federation/")
    assert "gzip" in seen[0]["accept-encoding"]
