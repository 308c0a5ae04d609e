"""Every ``parse_*`` of the portal adapters, on the project's own fixtures in each real shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from datacity_federation._portals import ckan, datagovsg, dcat, opendatasoft, socrata
from datacity_federation.errors import (
    DatasetNotFound,
    PortalBadResponse,
    PortalError,
    PortalQueryError,
    PortalRateLimited,
)

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portals"
ODS = "https://opendata.paris.fr/api/explore/v2.1"
BCN = "https://opendata-ajuntament.barcelona.cat/data/api/3/action/"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# --- Opendatasoft -------------------------------------------------------------------------


def test_ods_parse_catalog_reads_v21_results() -> None:
    page = opendatasoft.parse_catalog(load("ods_catalog_datasets.json"), portal="p", base=ODS)
    assert [r.id for r in page.items] == ["dans-ma-rue", "denominations-des-voies-caduques"]
    assert page.total == 2
    assert page.next_cursor is None


def test_ods_parse_dataset_maps_every_field() -> None:
    record = opendatasoft.parse_dataset(load("ods_dataset.json"), portal="p", base=ODS)
    assert record.title == {"fr": "Anomalies signalées (Dans Ma Rue)"}
    assert record.description == {"fr": "<p>Signalements des usagers</p>"}
    assert record.publisher == "Direction de la Propreté et de l'Eau"
    assert (record.license, record.license_url) == (
        "Open Database License (ODbL)",
        "http://opendatacommons.org/licenses/odbl/",
    )
    assert record.keywords == ("propreté", "voirie")
    assert record.themes == ("Environnement",)
    assert record.modified == datetime(2026, 11, 20, 6, 12, 3, tzinfo=UTC)
    assert record.issued == datetime(2016, 1, 12, 9, 0, tzinfo=UTC)
    assert record.landing_page == "https://opendata.paris.fr/explore/dataset/dans-ma-rue/"
    assert [d.format for d in record.distributions] == ["CSV", "JSON", "GeoJSON", "application/pdf"]
    assert record.distributions[0].url == f"{ODS}/catalog/datasets/dans-ma-rue/exports/csv"
    assert record.extras["dataset_uid"] == "da_abc123"
    assert record.extras["records_count"] == 1234567


def test_ods_parse_dataset_tolerates_null_metas() -> None:
    item = load("ods_catalog_datasets.json")["results"][1]
    record = opendatasoft.parse_dataset(item, portal="p")
    assert (record.keywords, record.themes, record.publisher, record.license) == (
        (),
        (),
        None,
        None,
    )
    assert record.description == {}
    assert record.modified == datetime(2019, 2, 28, 23, 0, tzinfo=UTC)


def test_ods_parse_catalog_reads_the_v20_shape_and_detects_it() -> None:
    body = load("ods_catalog_datasets_v20.json")
    assert opendatasoft.detect_version(body) == "v2.0"
    assert opendatasoft.detect_version(load("ods_catalog_datasets.json")) == "v2.1"
    page = opendatasoft.parse_catalog(body, portal="p")
    assert [r.id for r in page.items] == ["dans-ma-rue", "denominations-des-voies-caduques"]


def test_ods_parse_export_reads_a_list() -> None:
    records = opendatasoft.parse_export(load("ods_export.json"), portal="p")
    assert [r.id for r in records] == ["dans-ma-rue", "denominations-des-voies-caduques"]


def test_ods_parse_catalog_refuses_an_unknown_shape() -> None:
    with pytest.raises(PortalBadResponse, match="neither results"):
        opendatasoft.parse_catalog({"foo": []}, portal="p")


def test_ods_parse_catalog_cursor_is_the_next_offset() -> None:
    body = {**load("ods_catalog_datasets.json"), "total_count": 5}
    assert opendatasoft.parse_catalog(body, portal="p", offset=2).next_cursor == "4"


@pytest.mark.parametrize(
    ("name", "status", "cls", "text"),
    [
        ("ods_error_400.json", 400, PortalQueryError, "ODSQL query is malformed"),
        ("ods_error_429.json", 429, PortalRateLimited, "quota of 5000 calls per day used up"),
        ("ods_error_404.json", 404, DatasetNotFound, "Unknown dataset: nope"),
    ],
)
def test_ods_parse_error_reads_both_styles(
    name: str, status: int, cls: type[PortalError], text: str
) -> None:
    error = opendatasoft.parse_error("opendata-paris", status, load(name))
    assert type(error) is cls
    assert text in str(error)
    assert str(error).startswith(f"portal opendata-paris (HTTP {status}): ")


def test_ods_search_params_respect_the_caps() -> None:
    params = opendatasoft.search_params('eau "potable"', limit=500, offset=20, lang="fr")
    assert params["limit"] == 100
    assert params["where"] == '"eau \\"potable\\""'
    since = datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    assert opendatasoft.search_params(None, limit=10, since=since)["where"] == (
        "modified > date'2026-01-01T00:00:00Z'"
    )


# --- CKAN -----------------------------------------------------------------------------------


def test_ckan_parse_search_drops_harvest_sources() -> None:
    page = ckan.parse_search(load("ckan_package_search.json"), portal="b", base=BCN)
    assert [r.id for r in page.items] == [
        "notaris-compravendes-tipus-us",
        "bbmp-work-orders-2024-25",
    ]
    assert page.total == 3
    assert page.next_cursor is None


def test_ckan_parse_package_reads_barcelona_translations_and_tag_string() -> None:
    record = ckan.parse_package(
        load("ckan_package_show.json")["result"], portal="b", base=BCN, lang="ca"
    )
    assert record.title == {
        "ca": "Nombre de transmissions per compravenda",
        "es": "Número de transmisiones por compraventa",
        "en": "Number of sale transactions",
    }
    assert record.description == {
        "ca": "Nombre de transmissions...",
        "es": "Número de transmisiones...",
    }
    assert record.keywords == ("Any 2026", "Any 2025", "Notaris")
    assert record.themes == ("Economia",)
    assert record.publisher == "Ajuntament de Barcelona"
    assert record.license == "Creative Commons Attribution 4.0"
    assert record.modified == datetime(2026, 11, 2, 8, 15, 0, 654321, tzinfo=UTC)
    assert record.issued == datetime(2024, 2, 1, 9, 30, 0, 123456, tzinfo=UTC)
    assert record.landing_page == (
        "https://opendata-ajuntament.barcelona.cat/data/dataset/notaris-compravendes-tipus-us"
    )
    assert len(record.distributions) == 1
    assert record.distributions[0].size == 20480
    assert record.extras["id"] == "6e4e0b32-3347-442b-94d6-3d734b928815"
    assert record.extras["frequency"] == "MENSUAL"
    assert record.extras["spatial"] == "Barcelona"


def test_ckan_parse_package_falls_back_to_plain_fields() -> None:
    package = load("ckan_package_search.json")["result"]["results"][2]
    record = ckan.parse_package(package, portal="o", lang="en")
    assert record.title == {"en": "BBMP work orders 2024-25"}
    assert (record.publisher, record.license) == ("OpenCity", "odc-by")
    assert record.keywords == ("BBMP",)
    assert record.distributions[0].size == 2048


@pytest.mark.parametrize(
    ("name", "status", "cls", "text"),
    [
        ("ckan_error_not_found.json", 404, DatasetNotFound, "Not Found Error: Not found"),
        ("ckan_error_validation.json", 409, PortalQueryError, "rows: Must be less than"),
        ("ckan_error_search.json", 409, PortalQueryError, "Search Query Error"),
        ("ckan_error_authorization.json", 403, PortalError, "not authorised: Access denied"),
    ],
)
def test_ckan_parse_error_maps_by_type(
    name: str, status: int, cls: type[PortalError], text: str
) -> None:
    error = ckan.parse_error("b", status, load(name))
    assert type(error) is cls
    assert text in str(error)


def test_ckan_unwrap_raises_on_success_false_with_http_200() -> None:
    with pytest.raises(DatasetNotFound):
        ckan.unwrap(load("ckan_error_not_found.json"), portal="b")


def test_ckan_unwrap_refuses_a_non_ckan_answer() -> None:
    with pytest.raises(PortalBadResponse, match="not a CKAN"):
        ckan.unwrap({"results": []}, portal="b")


def test_ckan_parse_error_spots_a_socrata_style_error() -> None:
    error = ckan.parse_error("b", 400, {"error": True, "message": "x"})
    assert isinstance(error, PortalBadResponse)


def test_ckan_search_params_cap_rows_and_filter_harvest() -> None:
    params = ckan.search_params(None, rows=5000, start=2000, since=datetime(2026, 1, 1, tzinfo=UTC))
    assert params["rows"] == 1000
    assert params["start"] == 2000
    assert params["fq"] == "-dataset_type:harvest metadata_modified:[2026-01-01T00:00:00Z TO *]"
    assert params["q"] == "*:*"


# --- data.gov.sg ----------------------------------------------------------------------------


def test_sg_parse_datasets_reads_a_page() -> None:
    page = datagovsg.parse_datasets(load("sg_datasets_page1.json"), portal="sg", page=1)
    assert [r.id for r in page.items] == [
        "d_dcda79be4aded5f9e769b8e23ff69b47",
        "d_0123456789abcdef0123456789abcdef",
    ]
    assert page.total is None
    assert page.next_cursor == "2"
    first = page.items[0]
    assert first.modified == datetime(2026, 1, 12, 5, 51, 7, tzinfo=UTC)
    assert first.modified is not None and first.modified.utcoffset() == timedelta(hours=8)
    assert first.publisher == "Building and Construction Authority"
    assert (
        first.landing_page == "https://data.gov.sg/datasets/d_dcda79be4aded5f9e769b8e23ff69b47/view"
    )


def test_sg_parse_dataset_reads_metadata() -> None:
    data = datagovsg.unwrap(load("sg_metadata.json"), portal="sg")
    record = datagovsg.parse_dataset(data, portal="sg")
    assert record.description == {"en": "Listing of Registered Contractors"}
    assert record.publisher == "Building and Construction Authority"
    assert record.distributions[0].size == 1048576
    assert record.extras["columns"] == ["Company name", "UEN"]
    assert record.extras["collectionIds"] == ["16"]


def test_sg_parse_collections_reads_children_and_pages() -> None:
    found, pages = datagovsg.parse_collections(load("sg_collections.json"), portal="sg")
    assert pages == 137
    assert found[0].id == "471"
    assert found[0].datasets == ("d_b35e13da57bb6303224e03f0b86238fb",)


@pytest.mark.parametrize(
    ("name", "cls"),
    [("sg_error_429.json", PortalRateLimited), ("sg_error_404.json", DatasetNotFound)],
)
def test_sg_unwrap_maps_nonzero_codes(name: str, cls: type[PortalError]) -> None:
    with pytest.raises(cls):
        datagovsg.unwrap(load(name), portal="sg")


def test_sg_parse_error_uses_the_code_even_with_http_200() -> None:
    error = datagovsg.parse_error("sg", 200, {"code": 4, "name": "ERROR_PARAMS", "errorMsg": "bad"})
    assert isinstance(error, PortalQueryError)
    assert str(error) == "portal sg: ERROR_PARAMS: bad"


def test_sg_matches_filters_on_every_word() -> None:
    page = datagovsg.parse_datasets(load("sg_datasets_page1.json"), portal="sg")
    assert [datagovsg.matches(r, "registered CONTRACTORS") for r in page.items] == [True, False]
    assert [datagovsg.matches(r, "environment agency") for r in page.items] == [False, True]


# --- Socrata --------------------------------------------------------------------------------


def test_socrata_parse_catalog_keeps_only_datasets() -> None:
    page = socrata.parse_catalog(load("socrata_catalog.json"), portal="sf")
    assert [r.id for r in page.items] == ["tkzw-k3nq"]
    record = page.items[0]
    assert record.keywords == ("trees", "urban forest")
    assert record.themes == ("City Infrastructure", "environment")
    assert record.license == "Open Data Commons PDDL"
    assert record.publisher == "Public Works"
    assert record.modified == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert record.landing_page == "https://data.sfgov.org/d/tkzw-k3nq"
    assert record.distributions[0].url.startswith("https://data.sfgov.org/api/views/tkzw-k3nq/")
    assert record.extras["domain_metadata"] == {"Department": "DPW"}


def test_socrata_parse_error_maps_status() -> None:
    error = socrata.parse_error("sf", 400, load("socrata_error_400.json"))
    assert isinstance(error, PortalQueryError)
    assert error.code == "query.compiler.malformed"


@pytest.mark.parametrize(
    ("url", "endpoint", "fixed"),
    [
        (
            "https://data.sfgov.org",
            "https://data.sfgov.org/api/catalog/v1",
            {"domains": "data.sfgov.org"},
        ),
        (
            "https://api.us.socrata.com/api/catalog/v1?domains=data.sfgov.org",
            "https://api.us.socrata.com/api/catalog/v1",
            {"domains": "data.sfgov.org"},
        ),
    ],
)
def test_socrata_discovery_endpoint_from_the_portal_url(
    url: str, endpoint: str, fixed: dict[str, str]
) -> None:
    assert socrata.discovery_endpoint(url) == (endpoint, fixed)


# --- DCAT -----------------------------------------------------------------------------------


def test_dcat_parse_datajson_maps_dcat_us() -> None:
    records = dcat.parse_datajson(load("dcat_data.json"), portal="d")
    first, old = records
    assert first.id == "https://data.example.gov/api/views/abcd-1234"
    assert first.title == {"en-US": "Bike counts"}
    assert first.publisher == "City of Example"
    assert first.license_url == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert first.modified == datetime(2026, 6, 30, tzinfo=UTC)
    assert [d.url for d in first.distributions] == [
        "https://data.example.gov/api/views/abcd-1234/rows.csv",
        "https://data.example.gov/resource/abcd-1234.json",
    ]
    assert first.distributions[0].size == 4096
    assert first.extras == {"accessLevel": "public"}
    assert old.modified == datetime(2019, 6, 27, 12, 41, 27, tzinfo=UTC)
    assert old.distributions == ()
    assert old.extras == {"additionalField": {"a": 1}}


def test_dcat_parse_jsonld_reads_a_compact_graph() -> None:
    (record,) = dcat.parse_jsonld(load("dcat_ap.jsonld"), portal="d")
    assert record.id == "bcn-bicing"
    assert record.title == {"ca": "Estacions de Bicing", "es": "Estaciones de Bicing"}
    assert record.publisher == "Ajuntament de Barcelona"
    assert record.language == "cat"
    assert record.license == "https://creativecommons.org/licenses/by/4.0/"
    assert record.themes == ("http://datos.gob.es/kos/sector-publico/sector/transporte",)
    assert record.modified == datetime(2026, 10, 1, 10, tzinfo=UTC)
    assert record.landing_page == "https://opendata.example.es/dataset/bicing"
    (dist,) = record.distributions
    assert (dist.url, dist.format, dist.media_type, dist.size) == (
        "https://opendata.example.es/files/bicing.csv",
        "CSV",
        "text/csv",
        2048,
    )


def test_dcat_parse_turtle_goes_through_rdflib() -> None:
    pytest.importorskip("rdflib")
    (record,) = dcat.parse_turtle((FIXTURES / "dcat_ap.ttl").read_text("utf-8"), portal="d")
    assert record.id == "bcn-arbrat"
    assert record.title == {"ca": "Arbrat de la ciutat", "es": "Arbolado de la ciudad"}
    assert record.publisher == "Ajuntament de Barcelona"
    assert record.modified == datetime(2026, 9, 15, 6, tzinfo=UTC)
    assert [(d.url, d.size) for d in record.distributions] == [
        ("https://opendata.example.es/files/arbrat.csv", 1024)
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<!DOCTYPE html><html></html>", "HTML page"),
        (b'{"dataset": [{"identifier": "a"', "truncated or invalid JSON"),
        (b"plain text", "neither JSON nor Turtle"),
    ],
)
def test_dcat_parse_document_refuses_what_is_not_a_catalogue(body: bytes, message: str) -> None:
    with pytest.raises(PortalBadResponse, match=message):
        dcat.parse_document(body, portal="d")


def test_dcat_parse_document_tells_the_formats_apart() -> None:
    assert len(dcat.parse_document((FIXTURES / "dcat_data.json").read_bytes(), portal="d")) == 2
    assert len(dcat.parse_document((FIXTURES / "dcat_ap.jsonld").read_bytes(), portal="d")) == 1
