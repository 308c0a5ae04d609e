"""The records store (edge): SQL tables, mapping to the domain, repository, migrations.

Importing this package loads SQLAlchemy; ``import datacity_federation`` never does.
"""

from __future__ import annotations

from datacity_federation._store.engine import database_url, make_engine, open_store

__all__ = ["database_url", "make_engine", "open_store"]
