"""What a harvest writes: the pure split of incoming records against the stored hashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacity_federation._portals.record import DatasetRecord
from datacity_federation._portals.store import content_hash, plan_changes

pytestmark = pytest.mark.unit

records = st.builds(
    lambda i, t, m: DatasetRecord(
        portal="p",
        id=f"ds-{i}",
        title={"en": t},
        modified=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=m),
    ),
    st.integers(0, 20),
    st.sampled_from(["a", "b", "c"]),
    st.integers(0, 3),
)


@settings(max_examples=80)
@given(st.lists(records), st.lists(records))
def test_plan_changes_counts_every_incoming_record_once(
    before: list[DatasetRecord], incoming: list[DatasetRecord]
) -> None:
    stored = {r.id: content_hash(r) for r in before}
    changes = plan_changes(stored, incoming)
    assert len(changes.new) + len(changes.changed) + changes.unchanged == len(
        {r.id for r in incoming}
    )
    assert all(r.id not in stored for r in changes.new)


@settings(max_examples=80)
@given(st.lists(records))
def test_plan_changes_after_storing_is_empty(incoming: list[DatasetRecord]) -> None:
    first = plan_changes({}, incoming)
    stored = {r.id: content_hash(r) for r in (*first.new, *first.changed)}
    again = plan_changes(stored, incoming)
    assert (again.new, again.changed) == ((), ())


def test_content_hash_ignores_nothing_that_matters() -> None:
    a = DatasetRecord(portal="p", id="x", title={"en": "T"}, license="CC BY 4.0")
    assert content_hash(a) == content_hash(
        DatasetRecord(portal="p", id="x", title={"en": "T"}, license="CC BY 4.0")
    )
    assert content_hash(a) != content_hash(
        DatasetRecord(portal="p", id="x", title={"en": "T"}, license="ODbL")
    )
