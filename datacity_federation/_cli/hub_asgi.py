"""The app ``datacity hub serve`` runs in each uvicorn worker: the hub's API and its site.

Rule header: a composition root, so it is the one place (with the command that sets them) that
reads the environment: the API's settings (:func:`~datacity_federation._sync.hub.app_from_env`)
and ``$DATACITY_HUB_CITIES``, the federation folder whose city files give the site its members,
names and due dates.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["CITIES_ENV", "app_from_env"]

CITIES_ENV = "DATACITY_HUB_CITIES"


def app_from_env() -> FastAPI:
    """The API from the environment plus the read-only site of ``$DATACITY_HUB_CITIES``."""
    from datacity_federation._config.loader import load_federation
    from datacity_federation._services.hub_site import install_site, site_settings
    from datacity_federation._services.i18n import federation_catalogs
    from datacity_federation._sync.hub import DB_ENV
    from datacity_federation._sync.hub import app_from_env as api_from_env
    from datacity_federation._sync.hub_store import hub_engine

    app = api_from_env()
    folder = os.environ.get(CITIES_ENV)
    site = None
    if folder:
        cities = Path(folder)
        site = site_settings(
            load_federation(cities), catalogs=federation_catalogs(cities_dir=cities)
        )
    install_site(app, hub_engine(os.environ.get(DB_ENV, "hub.db"), create=False), site)
    return app
