"""Conformance: the adapters read the real and vendor samples kept beside the project.

The samples live in ``../shared/fixtures/portals`` relative to the repository root (always
present in CI); the test skips where they are absent. The two TRUNCATED files are not JSON and
serve only to check that the field names we read are the ones the platforms send.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from datacity_federation._portals import ckan, datagovsg, dcat, opendatasoft, socrata
from datacity_federation.errors import (
    DatasetNotFound,
    PortalError,
    PortalQueryError,
    PortalRateLimited,
)

pytestmark = pytest.mark.unit

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "portals"

if not SHARED.is_dir():
    pytest.skip("the shared portal samples are not present", allow_module_level=True)


def load(name: str) -> Any:
    return json.loads((SHARED / name).read_text(encoding="utf-8"))


def test_ods_v21_catalog_sample() -> None:
    page = opendatasoft.parse_catalog(load("ods_v21_catalog_datasets.json"), portal="p")
    assert page.total == 19
    assert [r.id for r in page.items] == [
        "world-administrative-boundaries-countries-and-territories",
        "geonames-all-cities-with-a-population-1000",
    ]
    assert page.items[0].modified == datetime(2021, 6, 23, 14, 59, 57, tzinfo=UTC)
    assert all(r.title_in() != r.id for r in page.items)


def test_ods_v21_dataset_sample() -> None:
    record = opendatasoft.parse_dataset(
        load("ods_v21_catalog_dataset_show.json"),
        portal="p",
        base="https://data.example.org/api/explore/v2.1",
    )
    assert record.id == "geonames-all-cities-with-a-population-1000"
    assert record.title == {"en": "Geonames - All Cities with a population > 1000"}
    assert (record.license, record.publisher) == ("CC BY 4.0", "GeoNames")
    assert record.keywords == ("Geonames", "city", "world")
    assert record.modified == datetime(2021, 6, 23, 7, 50, 20, tzinfo=UTC)
    assert [d.format for d in record.distributions] == ["CSV", "JSON", "GeoJSON"]


def test_ods_v20_legacy_sample_is_detected_and_read() -> None:
    body = load("ods_v20_catalog_datasets_legacy_shape.json")
    assert opendatasoft.detect_version(body) == "v2.0"
    page = opendatasoft.parse_catalog(body, portal="p")
    assert page.items[0].id == "world-administrative-boundaries-countries-and-territories"


@pytest.mark.parametrize(
    ("name", "status", "cls"),
    [
        ("ods_error_400_odsql.json", 400, PortalQueryError),
        ("ods_error_429_quota.json", 429, PortalRateLimited),
    ],
)
def test_ods_error_samples(name: str, status: int, cls: type[PortalError]) -> None:
    error = opendatasoft.parse_error("p", status, load(name))
    assert type(error) is cls
    assert error.message


def test_ckan_harvest_source_sample_yields_no_dataset() -> None:
    page = ckan.parse_search(
        load("ckan_package_search_catalog_data_gov_harvest_sources.json"), portal="c"
    )
    assert page.total == 910
    assert page.items == ()
    assert page.next_cursor == "3"


def test_ckan_package_show_sample() -> None:
    body = load("ckan_package_show_newmexicowaterdata_trimmed.json")
    record = ckan.parse_package(
        ckan.unwrap(body, portal="c"), portal="c", base="https://catalog.example.org/api/3/action"
    )
    assert record.id == "ebwpc-gw-monitoring"
    assert record.title_in() == "EBWPC Monitoring Well Measurements"
    assert record.publisher == "Estancia Basin Water Planning Committee"
    assert record.modified == datetime(2026, 3, 18, 21, 11, 6, 241598, tzinfo=UTC)
    assert [(d.format, d.size) for d in record.distributions] == [
        ("CSV", 2530586),
        ("XLSX", 1189499),
        ("CSV", 763),
    ]
    assert record.landing_page == "https://catalog.example.org/dataset/ebwpc-gw-monitoring"


def test_ckan_barcelona_excerpt_has_the_fields_we_read() -> None:
    text = (SHARED / "ckan_package_search_barcelona_EXCERPT_truncated.txt").read_text("utf-8")
    for field in (
        '"title_translated"',
        '"notes_translated"',
        '"tag": "',
        '"success": true',
        '"count"',
    ):
        assert field in text


def test_sg_collection_sample() -> None:
    item = load("datagovsg_v2_collections_item_live.json")
    found, pages = datagovsg.parse_collections(
        {"code": 0, "data": {"collections": [item], "pages": 137}, "errorMsg": None}, portal="sg"
    )
    assert pages == 137
    assert found[0].id == "471"
    assert found[0].modified == datetime(2024, 6, 6, 7, 6, 15, tzinfo=UTC)
    assert len(found[0].datasets) == 2


def test_sg_metadata_excerpt_has_the_fields_we_read() -> None:
    text = (SHARED / "datagovsg_v2_dataset_metadata_EXCERPT_truncated.txt").read_text("utf-8")
    for field in (
        "datasetId",
        "name",
        "description",
        "format",
        "lastUpdatedAt",
        "managedBy",
        "createdAt",
    ):
        assert f'"{field}"' in text
    assert '"code": 0' in text


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("datagovsg_error_400_params.json", PortalQueryError),
        ("datagovsg_error_404_not_found.json", DatasetNotFound),
        ("datagovsg_error_429_rate_limit.json", PortalRateLimited),
    ],
)
def test_sg_error_samples(name: str, cls: type[PortalError]) -> None:
    with pytest.raises(cls):
        datagovsg.unwrap(load(name), portal="sg")


def test_socrata_discovery_sample() -> None:
    page = socrata.parse_catalog(load("socrata_discovery_catalog_v1_boston.json"), portal="s")
    assert page.total == 150680
    assert len(page.items) == 7
    first = page.items[0]
    assert (first.id, first.title_in()) == ("msk6-43c6", "Approved Building Permits")
    assert first.modified == datetime(2017, 7, 21, 10, 1, 47, tzinfo=UTC)
    assert first.license == "Creative Commons Attribution 3.0 Unported"
    assert first.landing_page == "https://data.cityofboston.gov/d/msk6-43c6"


def test_socrata_error_sample() -> None:
    error = socrata.parse_error("s", 403, load("socrata_error_403_not_logged_in.json"))
    assert "You must be logged in" in str(error)


@pytest.mark.parametrize(
    ("name", "count", "first_id"),
    [
        ("dcat_us_datajson_arm_gov.json", 3, "ncepgfsbrwpprof"),
        ("dcat_us_datajson_data_ny_gov_socrata.json", 1, "https://data.ny.gov/api/views/22ew-dxez"),
        ("dcat_us_datajson_usda_gov.json", 3, "USDA-DM-002"),
        ("dcat_pod_catalog_example_synthetic.jsonld", 1, "widgets-0001"),
    ],
)
def test_dcat_json_samples(name: str, count: int, first_id: str) -> None:
    records = dcat.parse_document((SHARED / name).read_bytes(), portal="d")
    assert len(records) == count
    assert records[0].id == first_id
    assert all(r.modified is None or r.modified.utcoffset() is not None for r in records)
    assert all(d.url for r in records for d in r.distributions)


def test_dcat_ny_sample_distributions() -> None:
    (record,) = dcat.parse_document(
        (SHARED / "dcat_us_datajson_data_ny_gov_socrata.json").read_bytes(), portal="d"
    )
    assert [d.media_type for d in record.distributions] == [
        "text/csv",
        "application/rdf+xml",
        "application/json",
        "application/xml",
    ]
    assert record.landing_page == "https://data.ny.gov/d/22ew-dxez"


def test_dcat_ap_turtle_sample() -> None:
    pytest.importorskip("rdflib")
    (record,) = dcat.parse_document(
        (SHARED / "dcat_ap_es_datos_gob_es_madrid_dataset.ttl").read_bytes(), portal="d"
    )
    assert record.id == "https://datos.madrid.es/egob/catalogo/300676-0-deporte-encuesta-escuelas"
    assert record.publisher == "Ayuntamiento de Madrid"
    assert record.modified is not None
    assert record.modified.utcoffset() == timedelta(hours=2)
    assert record.keywords == ("deporte escolar", "escuelas", "promoción")
    assert [(d.format, d.media_type, d.size) for d in record.distributions] == [
        ("XLS", "application/vnd.ms-excel", 43008)
    ]
