"""Fixtures of the hub operations tests: a PostgreSQL database per test."""

from __future__ import annotations

import itertools

import pytest

from datacity_federation.testing.postgres import PostgresServer

_names = itertools.count()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """A new empty PostgreSQL database."""
    return pg_server.create_database(f"hubops_{next(_names)}")
