"""The hub fuzzed from its own OpenAPI description (schemathesis): no input gives a 5xx.

Bodies of ``application/zip`` come from the same strategy as the property test: validly signed
hostile bundles (:mod:`hostile`), so the fuzzing reaches the checks behind the signature.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hostile import signed_hostile_bodies
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sync_helpers import BARCELONA_KEY, PARIS_KEY

from datacity_federation._sync.hub import create_app
from datacity_federation._sync.hub_ingest import add_city, ingest
from datacity_federation._sync.hub_store import hub_engine
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.integration


TOKEN: list[str] = []
BODIES: list[bytes] = []


def _app() -> object:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="hubfuzz-"))
    engine = hub_engine(str(folder / "hub.db"))
    app = create_app(engine, network="c40-datacity", rate=1000.0, burst=1000)
    key = PARIS_KEY
    token = add_city(engine, city="paris", public_key=key.public_key())
    add_city(engine, city="barcelona", public_key=BARCELONA_KEY.public_key())
    data, _, _ = sample_bundle(sample_facts(), key=key)
    ingest(engine, city="paris", token=token, body=data)
    TOKEN.append(token)
    return app


schemathesis.openapi.media_type(
    "application/zip", signed_hostile_bodies(PARIS_KEY, [BARCELONA_KEY])
)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_hub_openapi_fuzz_never_answers_5xx(case: schemathesis.Case) -> None:
    if case.method == "POST":
        # With a valid token and city, fuzzed bodies reach the bundle checks themselves.
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKEN[0]}"}
        case.path_parameters = {**(case.path_parameters or {}), "city": "paris"}
        BODIES.append(case.body if isinstance(case.body, bytes) else b"")
    case.call_and_validate(checks=[not_a_server_error])


def test_hub_openapi_fuzz_pushed_signed_bundles() -> None:
    # After the fuzzing above (file order): the zip bodies came from the signed-bundle strategy.
    signed = [b for b in BODIES if b"envelope.json" in b and b"DSSE" not in b]
    assert len(signed) >= 5, len(BODIES)
