"""Bundles: deterministic bytes, exact decimals, signatures that catch any flipped bit."""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from datacity_federation._privacy import PROFILES, SeasonFacts, build_release
from datacity_federation._sync.bundle import BundleRejected, verify_bundle
from datacity_federation._sync.cells_csv import COLUMNS, read_cells, write_cells
from datacity_federation._sync.keys import fingerprint
from datacity_federation.domain.release import Cell, CellStatus, Metric, Unit
from datacity_federation.errors import ReleaseError
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.unit

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def test_bundle_holds_exactly_the_three_members() -> None:
    data, _, _ = sample_bundle(sample_facts(), key=KEY)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["envelope.json", "datapackage.json", "cells.csv"]


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_bundle_any_insertion_order_gives_identical_bytes(rnd: random.Random) -> None:
    facts = sample_facts(seed=3)
    shuffled = _shuffle(facts, rnd)
    a, ma, _ = sample_bundle(facts, key=KEY)
    b, mb, _ = sample_bundle(shuffled, key=KEY)
    assert a == b
    assert ma.bundle_id == mb.bundle_id


def _shuffle(facts: SeasonFacts, rnd: random.Random) -> SeasonFacts:
    return replace(
        facts,
        applications=tuple(rnd.sample(facts.applications, len(facts.applications))),
        pilots=tuple(rnd.sample(facts.pilots, len(facts.pilots))),
        sponsorships=tuple(rnd.sample(facts.sponsorships, len(facts.sponsorships))),
        contracts=tuple(rnd.sample(facts.contracts, len(facts.contracts))),
    )


decimals = st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False)


@settings(max_examples=80)
@given(st.lists(decimals, min_size=1, max_size=5))
def test_cells_csv_round_trips_exact_decimals(values: list[Decimal]) -> None:
    cells = [
        Cell(
            city="paris",
            season="s1",
            metric=Metric.CONTRACT_VALUE_TOTAL,
            theme=theme,
            value=v,
            unit=Unit.CURRENCY,
            status=CellStatus.FREE,
        )
        for theme, v in zip(["waste", "traffic", "energy", "mobility", "all"], values, strict=False)
    ]
    back = read_cells(write_cells(cells))
    assert [c.value for c in sorted(back, key=lambda c: c.key)] == [
        c.value for c in sorted(cells, key=lambda c: c.key)
    ]


def test_cells_csv_header_is_the_allowlist() -> None:
    text = write_cells([]).decode()
    assert text == ",".join(COLUMNS) + "\r\n"


def test_verify_bundle_accepts_the_signed_bundle() -> None:
    data, manifest, release = sample_bundle(sample_facts(), key=KEY)
    got, bundle_id, signer, cells = verify_bundle(data, [KEY.public_key()])
    assert signer == fingerprint(KEY.public_key())
    assert got == manifest
    assert bundle_id == manifest.bundle_id
    assert sorted(cells, key=lambda c: c.key) == sorted(release.cells, key=lambda c: c.key)


def test_verify_bundle_refuses_another_key() -> None:
    data, _, _ = sample_bundle(sample_facts(), key=KEY)
    with pytest.raises(BundleRejected, match="bad_signature"):
        verify_bundle(data, [OTHER.public_key()])


_SIGNED = sample_bundle(sample_facts(applications=30), key=KEY)[0]


@settings(max_examples=120, deadline=None)
@given(st.integers(0, len(_SIGNED) * 8 - 1))
def test_verify_bundle_any_flipped_bit_is_rejected(bit: int) -> None:
    data = bytearray(_SIGNED)
    data[bit // 8] ^= 1 << (bit % 8)
    try:
        verify_bundle(bytes(data), [KEY.public_key()])
    except ReleaseError:
        return
    # A flip in bytes no reader looks at (zip metadata duplicated in the central directory, or
    # the extra field) may leave every signed byte intact: then the content must be unchanged.
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).read("cells.csv") == zipfile.ZipFile(
        io.BytesIO(_SIGNED)
    ).read("cells.csv")


def test_release_strict_profile_recorded_in_manifest() -> None:
    _, manifest, release = sample_bundle(sample_facts(), key=KEY, profile="strict")
    assert (manifest.rules.profile, manifest.rules.version) == ("strict", 2)
    assert release.profile == PROFILES["strict"]
    assert build_release(sample_facts(), PROFILES["strict"]).cells == release.cells
