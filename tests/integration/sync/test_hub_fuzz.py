"""The hub fuzzed from its own OpenAPI description (schemathesis): no input gives a 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from datacity_federation.sync.hub import create_app
from datacity_federation.sync.hub_ingest import add_city, ingest
from datacity_federation.sync.hub_store import hub_engine
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.integration


TOKEN: list[str] = []


def _app() -> object:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="hubfuzz-"))
    engine = hub_engine(str(folder / "hub.db"))
    app = create_app(engine, network="c40-datacity")
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    token = add_city(engine, city="paris", public_key=key.public_key())
    data, _, _ = sample_bundle(sample_facts(), key=key)
    ingest(engine, city="paris", token=token, body=data)
    TOKEN.append(token)
    return app


@schemathesis.serializer("application/zip")
def _zip_body(_ctx: schemathesis.SerializationContext, value: object) -> bytes:
    """Fuzzed bodies go out as raw bytes (the hub must refuse them cleanly)."""
    return value if isinstance(value, bytes) else str(value).encode()


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_hub_openapi_fuzz_never_answers_5xx(case: schemathesis.Case) -> None:
    if case.method == "POST":
        # With a valid token and city, fuzzed bodies reach the bundle checks themselves.
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKEN[0]}"}
        case.path_parameters = {**(case.path_parameters or {}), "city": "paris"}
    case.call_and_validate(checks=[not_a_server_error])
