"""The pure domain model: stdlib and pydantic (Babel for CLDR's code lists), no I/O, no clock."""

from __future__ import annotations

from datacity_federation.domain.base import DomainModel, LocalizedText
from datacity_federation.domain.challenge import KPI, Challenge, Criterion, DatasetRef
from datacity_federation.domain.city import City, Contact, Partner, Portal, RateLimit
from datacity_federation.domain.federation import (
    Federation,
    FederationDefaults,
    FederationSettings,
    ThemeDefinition,
)
from datacity_federation.domain.records import (
    Application,
    Assessment,
    Assessor,
    AuditEvent,
    AuditKind,
    ContractValue,
    KpiMeasurement,
    Person,
    Pilot,
    Recommendation,
    Sponsorship,
)
from datacity_federation.domain.season import (
    DATA_CITY_TEMPLATE,
    PhaseDurations,
    PhaseSpan,
    Season,
    add_months,
)
from datacity_federation.domain.vocab import (
    ApplicationStatus,
    Outcome,
    PartnerKind,
    Phase,
    PilotStatus,
    PortalKind,
    Theme,
)

__all__ = [
    "Application",
    "ApplicationStatus",
    "Assessment",
    "Assessor",
    "AuditEvent",
    "AuditKind",
    "Challenge",
    "City",
    "Contact",
    "ContractValue",
    "Criterion",
    "DATA_CITY_TEMPLATE",
    "DatasetRef",
    "DomainModel",
    "Federation",
    "FederationDefaults",
    "FederationSettings",
    "KPI",
    "KpiMeasurement",
    "LocalizedText",
    "Outcome",
    "Partner",
    "PartnerKind",
    "Person",
    "Phase",
    "PhaseDurations",
    "PhaseSpan",
    "Pilot",
    "PilotStatus",
    "Portal",
    "PortalKind",
    "RateLimit",
    "Recommendation",
    "Season",
    "Sponsorship",
    "Theme",
    "ThemeDefinition",
    "add_months",
]
