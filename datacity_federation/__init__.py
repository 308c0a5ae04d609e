"""datacity_federation: run the Data City open-innovation programme across many cities.

The public API is this namespace (and :mod:`datacity_federation.domain` for every domain type);
docs/api.md lists the stable names. Importing it loads no HTTP client, database, template engine
or web framework: the names of the edges (release building from a store, the review's rendering,
the hub read API) are imported on first use, by the module ``__getattr__`` below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from datacity_federation._config import (
    city_schema,
    default_cities_dir,
    load_city,
    load_federation,
)
from datacity_federation._i18n import Catalogs, Formatter, Translator
from datacity_federation._version import __version__
from datacity_federation.domain import (
    KPI,
    ApplicationStatus,
    Challenge,
    City,
    Criterion,
    DatasetRef,
    Federation,
    FederationSettings,
    Outcome,
    Partner,
    PartnerKind,
    Phase,
    PhaseDurations,
    PhaseSpan,
    PilotStatus,
    Portal,
    PortalKind,
    Season,
    Theme,
)
from datacity_federation.domain.release import Cell, CellStatus, Metric
from datacity_federation.domain.vocab import (
    APPLICATION_STATUS_LABELS,
    OUTCOME_LABELS,
    PHASE_LABELS,
    PILOT_STATUS_LABELS,
    THEME_LABELS,
)
from datacity_federation.errors import (
    ConfigError,
    ConfigProblem,
    DatacityError,
    DatasetNotFound,
    DomainError,
    EmptySeasonError,
    FieldProblem,
    HubRejected,
    ImportRowsError,
    InvalidModelError,
    LanguageError,
    MirrorRefused,
    PortalBadResponse,
    PortalError,
    PortalQueryError,
    PortalRateLimited,
    PortalUnreachable,
    ReleaseError,
    ReviewError,
    RowProblem,
    StoreError,
    TransitionError,
)

if TYPE_CHECKING:
    from datacity_federation._portals import DatasetRecord, PortalAdapter, make_adapter, make_client
    from datacity_federation._privacy import (
        ApplicationFact,
        ChallengeFact,
        DisclosureProfile,
        MoneyFact,
        NetworkTotal,
        PhaseFact,
        PilotFact,
        Release,
        SeasonFacts,
        build_release,
        network_total,
        resolve_profile,
    )
    from datacity_federation._review import HubSnapshot, build_review
    from datacity_federation._review import Review as AnnualReview
    from datacity_federation._review.export import review_csv, review_json
    from datacity_federation._review.render import render_html
    from datacity_federation._services import records as records
    from datacity_federation._services.review import federation_review
    from datacity_federation._services.review_source import load_public_keys, snapshot_from_hub
    from datacity_federation._services.sync import release_of
    from datacity_federation._store.engine import open_store
    from datacity_federation._sync.hub_read import (
        CityCoverage,
        YearCells,
        cells_for_year,
        coverage,
    )
    from datacity_federation._sync.hub_store import FeedEntry, FeedPage, feed_page, hub_engine


# Public name -> (module, name there; "" for the module itself). These load heavier parts (scipy for the release audit,
# SQLAlchemy for a store or a hub database, Jinja2 for rendering), so they are imported on first
# use; the TYPE_CHECKING block above gives type checkers the same names.
_LAZY: dict[str, tuple[str, str]] = {
    "AnnualReview": ("datacity_federation._review", "Review"),
    "ApplicationFact": ("datacity_federation._privacy", "ApplicationFact"),
    "ChallengeFact": ("datacity_federation._privacy", "ChallengeFact"),
    "CityCoverage": ("datacity_federation._sync.hub_read", "CityCoverage"),
    "DatasetRecord": ("datacity_federation._portals", "DatasetRecord"),
    "DisclosureProfile": ("datacity_federation._privacy", "DisclosureProfile"),
    "FeedEntry": ("datacity_federation._sync.hub_store", "FeedEntry"),
    "FeedPage": ("datacity_federation._sync.hub_store", "FeedPage"),
    "HubSnapshot": ("datacity_federation._review", "HubSnapshot"),
    "MoneyFact": ("datacity_federation._privacy", "MoneyFact"),
    "NetworkTotal": ("datacity_federation._privacy", "NetworkTotal"),
    "PhaseFact": ("datacity_federation._privacy", "PhaseFact"),
    "PilotFact": ("datacity_federation._privacy", "PilotFact"),
    "PortalAdapter": ("datacity_federation._portals", "PortalAdapter"),
    "Release": ("datacity_federation._privacy", "Release"),
    "SeasonFacts": ("datacity_federation._privacy", "SeasonFacts"),
    "YearCells": ("datacity_federation._sync.hub_read", "YearCells"),
    "build_release": ("datacity_federation._privacy", "build_release"),
    "build_review": ("datacity_federation._review", "build_review"),
    "cells_for_year": ("datacity_federation._sync.hub_read", "cells_for_year"),
    "coverage": ("datacity_federation._sync.hub_read", "coverage"),
    "federation_review": ("datacity_federation._services.review", "federation_review"),
    "feed_page": ("datacity_federation._sync.hub_store", "feed_page"),
    "hub_engine": ("datacity_federation._sync.hub_store", "hub_engine"),
    "load_public_keys": ("datacity_federation._services.review_source", "load_public_keys"),
    "make_adapter": ("datacity_federation._portals", "make_adapter"),
    "make_client": ("datacity_federation._portals", "make_client"),
    "network_total": ("datacity_federation._privacy", "network_total"),
    "open_store": ("datacity_federation._store.engine", "open_store"),
    "records": ("datacity_federation._services.records", ""),
    "release_of": ("datacity_federation._services.sync", "release_of"),
    "render_html": ("datacity_federation._review.render", "render_html"),
    "resolve_profile": ("datacity_federation._privacy", "resolve_profile"),
    "review_csv": ("datacity_federation._review.export", "review_csv"),
    "review_json": ("datacity_federation._review.export", "review_json"),
    "snapshot_from_hub": ("datacity_federation._services.review_source", "snapshot_from_hub"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    found = importlib.import_module(module)
    value = getattr(found, attr) if attr else found  # no attr: the module itself
    globals()[name] = value  # the next access skips this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "APPLICATION_STATUS_LABELS",
    "AnnualReview",
    "ApplicationFact",
    "ApplicationStatus",
    "Catalogs",
    "Cell",
    "CellStatus",
    "Challenge",
    "ChallengeFact",
    "City",
    "CityCoverage",
    "ConfigError",
    "ConfigProblem",
    "Criterion",
    "DatacityError",
    "DatasetNotFound",
    "DatasetRecord",
    "DatasetRef",
    "DisclosureProfile",
    "DomainError",
    "EmptySeasonError",
    "Federation",
    "FederationSettings",
    "FeedEntry",
    "FeedPage",
    "FieldProblem",
    "Formatter",
    "HubRejected",
    "HubSnapshot",
    "ImportRowsError",
    "InvalidModelError",
    "KPI",
    "LanguageError",
    "Metric",
    "MirrorRefused",
    "MoneyFact",
    "NetworkTotal",
    "OUTCOME_LABELS",
    "Outcome",
    "PHASE_LABELS",
    "PILOT_STATUS_LABELS",
    "Partner",
    "PartnerKind",
    "Phase",
    "PhaseDurations",
    "PhaseFact",
    "PhaseSpan",
    "PilotFact",
    "PilotStatus",
    "Portal",
    "PortalAdapter",
    "PortalBadResponse",
    "PortalError",
    "PortalKind",
    "PortalQueryError",
    "PortalRateLimited",
    "PortalUnreachable",
    "Release",
    "ReleaseError",
    "ReviewError",
    "RowProblem",
    "Season",
    "SeasonFacts",
    "StoreError",
    "THEME_LABELS",
    "Theme",
    "TransitionError",
    "Translator",
    "YearCells",
    "__version__",
    "build_release",
    "build_review",
    "cells_for_year",
    "city_schema",
    "coverage",
    "default_cities_dir",
    "federation_review",
    "feed_page",
    "hub_engine",
    "load_city",
    "load_federation",
    "load_public_keys",
    "make_adapter",
    "make_client",
    "network_total",
    "open_store",
    "records",
    "release_of",
    "render_html",
    "resolve_profile",
    "review_csv",
    "review_json",
    "snapshot_from_hub",
]
