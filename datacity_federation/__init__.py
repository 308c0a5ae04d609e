"""datacity_federation: run the Data City open-innovation programme across many cities.

The public API is this namespace (and :mod:`datacity_federation.domain` for every domain type).
Importing it loads no HTTP client, database, template engine or web framework: those load only
when an edge (store, portals, sync, review) is used.
"""

from __future__ import annotations

from datacity_federation._config import (
    city_schema,
    default_cities_dir,
    load_city,
    load_federation,
)
from datacity_federation._i18n import Catalogs, Formatter, Translator
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
from datacity_federation.errors import (
    ConfigError,
    ConfigProblem,
    DatacityError,
    DatasetNotFound,
    DomainError,
    HubRejected,
    ImportRowsError,
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

__version__ = "0.1.0"

__all__ = [
    "ApplicationStatus",
    "Catalogs",
    "Challenge",
    "City",
    "ConfigError",
    "ConfigProblem",
    "Criterion",
    "DatacityError",
    "DatasetNotFound",
    "DatasetRef",
    "DomainError",
    "Federation",
    "FederationSettings",
    "Formatter",
    "HubRejected",
    "ImportRowsError",
    "KPI",
    "LanguageError",
    "MirrorRefused",
    "Outcome",
    "Partner",
    "PartnerKind",
    "Phase",
    "PhaseDurations",
    "PhaseSpan",
    "PilotStatus",
    "Portal",
    "PortalBadResponse",
    "PortalError",
    "PortalKind",
    "PortalQueryError",
    "PortalRateLimited",
    "PortalUnreachable",
    "ReleaseError",
    "ReviewError",
    "RowProblem",
    "Season",
    "StoreError",
    "Theme",
    "TransitionError",
    "Translator",
    "__version__",
    "city_schema",
    "default_cities_dir",
    "load_city",
    "load_federation",
]
