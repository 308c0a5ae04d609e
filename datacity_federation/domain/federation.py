"""The federation: network-wide settings every city inherits, and its member cities."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from datacity_federation.domain.base import (
    Code,
    CrossChecked,
    CurrencyCode,
    DomainModel,
    LanguageTag,
    LocalizedText,
    Problem,
    Slug,
    prefixed,
)
from datacity_federation.domain.city import City, ProfileName, profile_problems
from datacity_federation.domain.season import DATA_CITY_TEMPLATE, PhaseDurations
from datacity_federation.domain.vocab import Theme

__all__ = ["Federation", "FederationDefaults", "FederationSettings", "ThemeDefinition"]


class FederationDefaults(DomainModel):
    """Defaults every city inherits and may override in its own file."""

    season_template: PhaseDurations = DATA_CITY_TEMPLATE
    """Phase lengths of a season when neither the city nor the season says otherwise."""
    disclosure_profile: ProfileName = "default"
    """Name of the disclosure rules applied to every release (``default`` or ``strict``)."""
    reporting_languages: Annotated[tuple[LanguageTag, ...], Field(min_length=1)] = ("en",)
    """Languages of network-wide reports, on top of each city's own."""


def _new_theme(code: str) -> str:
    if code in {t.value for t in Theme}:
        raise ValueError(f"{code!r} is already a canonical theme")
    return code


class ThemeDefinition(DomainModel):
    """A theme a federation adds to the canonical vocabulary."""

    code: Annotated[Code, AfterValidator(_new_theme)]
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
    currency_rates: dict[CurrencyCode, Decimal] = Field(default_factory=dict)
    """Value of one unit of each currency in the review currency, when a review converts money."""
    review_currency: CurrencyCode | None = None
    """Currency the review converts money into, using ``currency_rates``; none: never converted."""
    locale_dir: Annotated[str, StringConstraints(min_length=1, max_length=255)] = "locale"
    """Folder of the federation's own translation catalogues, relative to this file
    (``<dir>/<lang>/LC_MESSAGES/datacity.po``); they extend and override the shipped ones."""
    strict_lang: bool = False
    """Refuse to write words that would fall back to English (as ``--strict-lang`` does)."""


class Federation(CrossChecked):
    """A federation and its loaded member cities."""

    settings: FederationSettings
    """Network-wide settings."""
    cities: tuple[City, ...]
    """The member cities, in the order of ``settings.members`` (or by id)."""

    def problems(self) -> list[Problem]:
        """What the federation's settings refuse in its cities: the themes a city uses that are
        neither canonical nor added, a disclosure profile looser than the federation's."""
        floor = self.settings.defaults.disclosure_profile
        themes = [t.code for t in self.settings.themes]
        found: list[Problem] = []
        for i, city in enumerate(self.cities):
            at = ("cities", i)
            found += prefixed(at, city.problems(themes=themes))
            found += prefixed(at, profile_problems(city.disclosure_profile, floor))
        return found

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
