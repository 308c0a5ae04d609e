"""Canonical vocabularies: stable codes, localized labels.

Codes never change meaning; labels are words a person reads, so the tables here hold only the
English text, which is the gettext message id: every language's label comes from the catalogues
(``Translator.label`` in :mod:`datacity_federation._i18n`). A federation may add themes (with their
own labels, per language, in ``federation.yaml``) but never redefine a code.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "APPLICATION_STATUS_LABELS",
    "ApplicationStatus",
    "DISCLOSURE_PROFILES",
    "OUTCOME_LABELS",
    "Outcome",
    "PARTNER_KIND_LABELS",
    "PHASE_LABELS",
    "PILOT_STATUS_LABELS",
    "PartnerKind",
    "Phase",
    "PilotStatus",
    "PortalKind",
    "THEME_LABELS",
    "Theme",
    "N_",
]


class Phase(StrEnum):
    """The phases of a season, in order."""

    PARTNERING = "partnering"
    CALL = "call"
    EXPERIMENTATION = "experimentation"
    OUTCOME = "outcome"


class Theme(StrEnum):
    """The challenge themes the programme has named."""

    PEOPLE_FLOWS = "people_flows"
    URBAN_PLANNING = "urban_planning"
    ENERGY = "energy"
    BUILDING_ENERGY = "building_energy"
    STREET_LIGHTING = "street_lighting"
    FACILITY_SHARING = "facility_sharing"
    TOURISM_FLOWS = "tourism_flows"
    INFRASTRUCTURE = "infrastructure"
    AIR_QUALITY = "air_quality"
    WASTE = "waste"
    TRAFFIC = "traffic"
    MOBILITY = "mobility"


class PartnerKind(StrEnum):
    """What a partner is to the programme."""

    CITY = "city"
    CORPORATE = "corporate"
    STARTUP = "startup"
    RESEARCH = "research"
    OPERATOR = "operator"
    DATA_PROVIDER = "data_provider"


class PortalKind(StrEnum):
    """The open-data platforms the portal adapters speak."""

    OPENDATASOFT = "opendatasoft"
    CKAN = "ckan"
    DATAGOVSG = "datagovsg"
    SOCRATA = "socrata"
    OGD_INDIA = "ogd_india"
    DCAT = "dcat"


class ApplicationStatus(StrEnum):
    """Where a start-up's application stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class PilotStatus(StrEnum):
    """Where a field experimentation stands."""

    PLANNED = "planned"
    RUNNING = "running"
    COMPLETED = "completed"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How a pilot ended."""

    CONTRACT = "contract"
    JOINT_OFFER = "joint_offer"
    EXTENDED = "extended"
    DISCONTINUED = "discontinued"


Labels = Mapping[str, str]
"""Code -> English label; the English text is the gettext message id of the label."""


def N_(text: str) -> str:
    """Mark ``text`` as a message for the catalogues (translated where it is shown)."""
    return text


PHASE_LABELS: Labels = MappingProxyType(
    {
        "partnering": N_("Partnering"),
        "call": N_("Call for start-ups"),
        "experimentation": N_("Experimentation"),
        "outcome": N_("Outcome"),
    }
)

THEME_LABELS: Labels = MappingProxyType(
    {
        "people_flows": N_("Flows of people"),
        "urban_planning": N_("Urban planning"),
        "energy": N_("Energy savings"),
        "building_energy": N_("Building energy consumption"),
        "street_lighting": N_("Smart street lighting"),
        "facility_sharing": N_("Sharing facilities"),
        "tourism_flows": N_("Tourism flows"),
        "infrastructure": N_("Infrastructure management"),
        "air_quality": N_("Pollution and air quality"),
        "waste": N_("Waste"),
        "traffic": N_("Traffic"),
        "mobility": N_("Mobility"),
    }
)

PARTNER_KIND_LABELS: Labels = MappingProxyType(
    {
        "city": N_("City"),
        "corporate": N_("Corporate partner"),
        "startup": N_("Start-up"),
        "research": N_("Research institute"),
        "operator": N_("Operator"),
        "data_provider": N_("Data provider"),
    }
)

APPLICATION_STATUS_LABELS: Labels = MappingProxyType(
    {
        "draft": N_("Draft"),
        "submitted": N_("Submitted"),
        "shortlisted": N_("Shortlisted"),
        "selected": N_("Selected"),
        "rejected": N_("Rejected"),
        "withdrawn": N_("Withdrawn"),
    }
)

PILOT_STATUS_LABELS: Labels = MappingProxyType(
    {
        "planned": N_("Planned"),
        "running": N_("Running"),
        "completed": N_("Completed"),
        "closed": N_("Closed with an outcome"),
    }
)

OUTCOME_LABELS: Labels = MappingProxyType(
    {
        "contract": N_("Contract"),
        "joint_offer": N_("Joint commercial offer"),
        "extended": N_("Extended"),
        "discontinued": N_("Discontinued"),
    }
)


DISCLOSURE_PROFILES = ("default", "strict")
"""Disclosure rule profiles, loosest first; a city may only move right of its federation's."""
