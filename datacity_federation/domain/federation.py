"""The federation: network-wide settings every city inherits, and its member cities."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from datacity_federation.domain.base import Code, DomainModel, LanguageTag, LocalizedText, Slug
from datacity_federation.domain.city import City
from datacity_federation.domain.season import DATA_CITY_TEMPLATE, PhaseDurations

__all__ = ["Federation", "FederationDefaults", "FederationSettings", "ThemeDefinition"]


class FederationDefaults(DomainModel):
    """Defaults every city inherits and may override in its own file."""

    season_template: PhaseDurations = DATA_CITY_TEMPLATE
    """Phase lengths of a season when neither the city nor the season says otherwise."""
    disclosure_profile: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")] = "default"
    """Name of the disclosure rules applied to every release (``default`` or ``strict``)."""
    reporting_languages: Annotated[tuple[LanguageTag, ...], Field(min_length=1)] = ("en",)
    """Languages of network-wide reports, on top of each city's own."""


class ThemeDefinition(DomainModel):
    """A theme a federation adds to the canonical vocabulary."""

    code: Code
    """New stable code; it may not reuse a canonical code."""
    label: LocalizedText
    """Label per language (at least English)."""


class FederationSettings(DomainModel):
    """The contents of ``cities/federation.yaml``."""

    network: Slug
    """Identifier of the network, written in every release it receives."""
    name: LocalizedText
    """Name of the network per language."""
    members: tuple[Slug, ...] = ()
    """City ids of the members; each has a ``<id>.yaml`` beside this file. Empty: every file."""
    defaults: FederationDefaults = FederationDefaults()
    """Defaults every city inherits."""
    themes: tuple[ThemeDefinition, ...] = ()
    """Themes added to the canonical vocabulary."""
    currency_rates: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")], Decimal] = Field(
        default_factory=dict
    )
    """Value of one unit of each currency in the review currency, when a review converts money."""
    review_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    """Currency the review converts money into, using ``currency_rates``; none: never converted."""
    locale_dir: Annotated[str, StringConstraints(min_length=1, max_length=255)] = "locale"
    """Folder of the federation's own translation catalogues, relative to this file
    (``<dir>/<lang>/LC_MESSAGES/datacity.po``); they extend and override the shipped ones."""
    strict_lang: bool = False
    """Refuse to write words that would fall back to English (as ``--strict-lang`` does)."""


class Federation(DomainModel):
    """A federation and its loaded member cities."""

    settings: FederationSettings
    """Network-wide settings."""
    cities: tuple[City, ...]
    """The member cities, in the order of ``settings.members`` (or by id)."""

    @property
    def network(self) -> str:
        """The network id."""
        return self.settings.network

    def city(self, city_id: str) -> City | None:
        """The member city with that id."""
        return next((c for c in self.cities if c.id == city_id), None)

    def theme_codes(self) -> frozenset[str]:
        """Themes the federation added to the canonical ones."""
        return frozenset(t.code for t in self.settings.themes)
