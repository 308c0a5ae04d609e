"""Portal adapters register with their kind; the city file's vocabulary is that registry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from datacity_federation._config.loader import load_city
from datacity_federation._config.schema import city_schema
from datacity_federation._portals import (
    ADAPTERS,
    CkanAdapter,
    make_adapter,
    register_adapter,
    unregister_adapter,
)
from datacity_federation._services.portals import adhoc_portal
from datacity_federation.domain.city import Portal
from datacity_federation.domain.platforms import PLATFORMS, Platform
from datacity_federation.domain.vocab import PortalKind
from datacity_federation.errors import ConfigError, DatacityError

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
TOY = "toy_ckan"


class ToyAdapter(CkanAdapter):
    """A platform that speaks CKAN's API under another name, and needs a key."""

    kind: ClassVar[str] = TOY


@pytest.fixture
def toy() -> Iterator[type[ToyAdapter]]:
    register_adapter(ToyAdapter, platform=Platform(TOY, needs_api_key=True))
    yield ToyAdapter
    unregister_adapter(TOY)
    assert TOY not in PLATFORMS and TOY not in ADAPTERS


def test_every_shipped_kind_has_its_adapter_and_nothing_else_is_known() -> None:
    assert set(ADAPTERS) == set(PLATFORMS) == {k.value for k in PortalKind}
    assert all(ADAPTERS[k].kind == k for k in ADAPTERS)


def _city_file(tmp_path: Path, kind: str, *, key: bool) -> Path:
    text = (ROOT / "cities" / "paris.yaml").read_text(encoding="utf-8")
    extra = "\n    api_key_env: TOY_KEY" if key else ""
    path = tmp_path / "paris.yaml"
    path.write_text(text.replace("kind: opendatasoft", f"kind: {kind}{extra}", 1), "utf-8")
    return path


def test_toy_adapter_is_accepted_by_the_city_file_the_schema_and_the_cli(
    toy: type[ToyAdapter], tmp_path: Path
) -> None:
    city = load_city(_city_file(tmp_path, TOY, key=True))
    assert city.portals[0].kind == TOY
    enum = city_schema()["$defs"]["Portal"]["properties"]["kind"]["enum"]
    assert enum == [*(k.value for k in PortalKind), TOY]
    assert adhoc_portal(kind=TOY, url="https://data.example.org/api/3/action/").kind == TOY
    adapter = make_adapter(city.portals[0], client=httpx.AsyncClient())
    assert type(adapter) is ToyAdapter
    assert json.loads(city.model_dump_json())["portals"][0]["kind"] == TOY


def test_toy_platform_needs_are_checked_where_the_file_says_it(
    toy: type[ToyAdapter], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="the toy_ckan platform answers only with an API key"):
        load_city(_city_file(tmp_path, TOY, key=False))


def test_kind_without_a_registered_adapter_is_a_located_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_city(_city_file(tmp_path, TOY, key=True))
    assert f"paris.yaml:12:11: portals[0].kind: unknown portal platform '{TOY}'" in str(info.value)
    with pytest.raises(DatacityError, match=f"--kind: unknown platform '{TOY}'"):
        adhoc_portal(kind=TOY, url="https://data.example.org/")
    with pytest.raises(ValueError, match="unknown portal platform"):
        Portal(id="x", kind=TOY, url="https://data.example.org/")


def test_an_adapter_may_not_take_a_kind_another_adapter_has(toy: type[ToyAdapter]) -> None:
    class Other(CkanAdapter):
        kind: ClassVar[str] = TOY

    with pytest.raises(ValueError, match="has an adapter already"):
        register_adapter(Other)
