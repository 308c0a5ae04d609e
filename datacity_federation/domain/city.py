"""Cities, their portals and partners, and the cross-checks of a city file.

Rule header: every reference inside a city resolves (partners, portals, themes), ids are unique,
challenge texts exist in every language the city requires, and seasons do not overlap unless the
later one declares it. :func:`City.problems` lists every broken rule with its location, so the
config loader can point at the YAML line; building a ``City`` directly raises on the first call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Annotated, TypeVar

from pydantic import AfterValidator, Field, StringConstraints

from datacity_federation.domain.base import (
    CountryCode,
    CrossChecked,
    CurrencyCode,
    DomainModel,
    Email,
    LanguageTag,
    LocalizedText,
    Problem,
    Slug,
    TimeZoneName,
    prefixed,
)
from datacity_federation.domain.challenge import Challenge
from datacity_federation.domain.season import PhaseDurations, Season
from datacity_federation.domain.vocab import DISCLOSURE_PROFILES, PartnerKind, PortalKind, Theme

__all__ = [
    "City",
    "Contact",
    "Partner",
    "Portal",
    "ProfileName",
    "RateLimit",
    "Website",
    "profile_problems",
]


def _known_profile(name: str) -> str:
    if name not in DISCLOSURE_PROFILES:
        raise ValueError(f"unknown profile {name!r} ({', '.join(DISCLOSURE_PROFILES)})")
    return name


ProfileName = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$"), AfterValidator(_known_profile)
]
"""The name of a disclosure profile (``default`` or ``strict``)."""


Website = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]
"""A public web site's http(s) address."""


def profile_problems(profile: str | None, floor: str) -> list[Problem]:
    """A city's disclosure profile looser than its federation's floor (a city may only tighten)."""
    if profile is None or profile not in DISCLOSURE_PROFILES or floor not in DISCLOSURE_PROFILES:
        return []
    if DISCLOSURE_PROFILES.index(profile) < DISCLOSURE_PROFILES.index(floor):
        return [
            (
                ("disclosure_profile",),
                f"{profile!r} is looser than the federation's {floor!r}; a city may only make "
                "the rules stricter",
            )
        ]
    return []


T = TypeVar("T")

PERSONAL = {"x-personal-data": True}


class RateLimit(DomainModel):
    """At most ``calls`` requests every ``per_seconds`` seconds."""

    calls: Annotated[int, Field(ge=1)]
    """Requests allowed in one window."""
    per_seconds: Annotated[float, Field(gt=0)]
    """Length of the window in seconds."""


class Portal(DomainModel):
    """An open-data portal the city publishes on."""

    id: Slug
    """Identifier of the portal within the city, used by data set references."""
    kind: PortalKind
    """The platform: opendatasoft, ckan, datagovsg, socrata, ogd_india or dcat."""
    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s/$.?#].[^\s]*$")]
    """Base URL of the platform's API, e.g. ``https://opendata.paris.fr/api/explore/v2.1``."""
    name: str | None = None
    """Human name of the portal."""
    api_key_env: Annotated[str, StringConstraints(pattern=r"^[A-Z_][A-Z0-9_]*$")] | None = None
    """Name of the environment variable holding an API key; the key itself is never in the file."""
    rate_limit: RateLimit | None = None
    """Client-side throttle for this portal."""
    lang: LanguageTag | None = None
    """Language of the portal's metadata, when it has one."""
    filters: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], str] = Field(
        default_factory=dict
    )
    """Catalogue filters the platform applies (ogd_india only): field -> value, e.g. ``org_type: State``."""

    def problems(self) -> list[Problem]:
        """What the platform needs that the file does not give (located under the portal)."""
        found: list[Problem] = []
        if self.filters and self.kind is not PortalKind.OGD_INDIA:
            found.append((("filters",), f"the {self.kind} platform takes no catalogue filters"))
        if self.kind is PortalKind.OGD_INDIA and not self.api_key_env:
            found.append(
                (
                    ("api_key_env",),
                    "the ogd_india platform answers only with an API key: name the environment "
                    "variable that holds it",
                )
            )
        return found


class Contact(DomainModel):
    """A person at a partner. Personal data: it never leaves the city."""

    name: Annotated[str, Field(min_length=1, json_schema_extra=PERSONAL)]
    """Full name (personal data)."""
    email: Annotated[Email, Field(json_schema_extra=PERSONAL)]
    """E-mail address (personal data)."""
    role: str | None = None
    """Role at the partner, e.g. programme lead."""


class Partner(DomainModel):
    """An organisation taking part: the city, a company, a start-up, a lab, the operator..."""

    id: Slug
    """Identifier of the partner within the city."""
    kind: PartnerKind
    """city, corporate, startup, research, operator or data_provider."""
    name: LocalizedText
    """Name per language (a single language is fine for a proper name)."""
    website: Website | None = None
    """Public web site."""
    contacts: Annotated[tuple[Contact, ...], Field(json_schema_extra=PERSONAL)] = ()
    """People to talk to (personal data: kept in the city, never shared)."""


class City(CrossChecked):
    """A member city of the federation, as declared in ``cities/<id>.yaml``."""

    id: Slug
    """Identifier of the city, the file's stem: ``paris``."""
    name: LocalizedText
    """Name per language; must include the city's first language."""
    country: CountryCode
    """ISO 3166-1 alpha-2 country code, e.g. ``FR``."""
    timezone: TimeZoneName
    """IANA time zone, e.g. ``Europe/Paris``."""
    currency: CurrencyCode
    """ISO 4217 currency code of the city's money figures, e.g. ``EUR``."""
    languages: Annotated[tuple[LanguageTag, ...], Field(min_length=1)]
    """Languages the city works in, BCP 47; the first is the default."""
    portals: tuple[Portal, ...] = ()
    """Open-data portals of the city."""
    partners: tuple[Partner, ...] = ()
    """Organisations taking part: the city government, companies, start-ups, labs, operator."""
    sister_cities: tuple[Slug, ...] = ()
    """Cities this one shares data and experience with (ids, members or not)."""
    season_template: PhaseDurations | None = None
    """Phase lengths for this city's seasons, overriding the federation's template."""
    disclosure_profile: ProfileName | None = None
    """Disclosure rules for releases; may only be stricter than the federation's."""
    seasons: tuple[Season, ...] = ()
    """The city's seasons, oldest first."""

    @property
    def default_language(self) -> str:
        """The city's first language."""
        return self.languages[0]

    def partner(self, partner_id: str) -> Partner | None:
        """The partner with that id, if declared."""
        return next((p for p in self.partners if p.id == partner_id), None)

    def season(self, season_id: str) -> Season | None:
        """The season with that id (or number as text), if declared."""
        return next(
            (s for s in self.seasons if season_id in (s.id, str(s.number))),
            None,
        )

    def problems(self, themes: Iterable[str] = ()) -> list[Problem]:
        """Every broken cross-reference rule, located; ``themes`` adds federation themes."""
        known_themes = {t.value for t in Theme} | set(themes)
        found: list[Problem] = []
        found += _duplicates(("languages",), self.languages, lambda x: x, None)
        if self.default_language not in self.name:
            found.append(
                (("name",), f"give the name in the default language {self.default_language!r}")
            )
        found += _duplicates(("portals",), self.portals, lambda p: p.id)
        for pi, portal in enumerate(self.portals):
            found += prefixed(("portals", pi), portal.problems())
        found += _duplicates(("partners",), self.partners, lambda p: p.id)
        found += _duplicates(("seasons",), self.seasons, lambda s: s.id)
        found += _duplicates(("seasons",), self.seasons, lambda s: s.number, "number")
        portal_ids = {p.id for p in self.portals}
        partners = {p.id: p for p in self.partners}
        seen_challenges: set[str] = set()
        for si, season in enumerate(self.seasons):
            found += prefixed(("seasons", si), season.problems())
            for ci, ch in enumerate(season.challenges):
                at: tuple[str | int, ...] = ("seasons", si, "challenges", ci)
                if ch.id in seen_challenges:
                    found.append(((*at, "id"), f"duplicate challenge id {ch.id!r}"))
                seen_challenges.add(ch.id)
                found += self._challenge_problems(at, ch, known_themes, portal_ids, partners)
        found += self._overlaps()
        return found

    def _challenge_problems(
        self,
        at: tuple[str | int, ...],
        ch: Challenge,
        themes: set[str],
        portal_ids: set[str],
        partners: dict[str, Partner],
    ) -> list[Problem]:
        found: list[Problem] = []
        if ch.theme not in themes:
            found.append(
                ((*at, "theme"), f"unknown theme {ch.theme!r}{_suggest(ch.theme, themes)}")
            )
        for field in ("title", "summary"):
            text: dict[str, str] = getattr(ch, field)
            missing = [lang for lang in self.languages if lang not in text]
            if missing:
                found.append(((*at, field), "missing language(s): " + ", ".join(missing)))
        kinds = set()
        for oi, owner in enumerate(ch.owners):
            partner = partners.get(owner)
            if partner is None:
                found.append(
                    ((*at, "owners", oi), f"unknown partner {owner!r}{_suggest(owner, partners)}")
                )
            else:
                kinds.add(partner.kind)
        if not any(k is PartnerKind.CITY for k in kinds) and all(o in partners for o in ch.owners):
            found.append(
                ((*at, "owners"), "the owners must include the city (a partner of kind city)")
            )
        if not any(k is PartnerKind.CORPORATE for k in kinds) and all(
            o in partners for o in ch.owners
        ):
            found.append(
                ((*at, "owners"), "the owners must include at least one corporate partner")
            )
        for di, ref in enumerate(ch.datasets):
            if ref.portal not in portal_ids:
                found.append(
                    (
                        (*at, "datasets", di, "portal"),
                        f"unknown portal {ref.portal!r}{_suggest(ref.portal, portal_ids)}",
                    )
                )
        found += _duplicates((*at, "rubric"), ch.rubric, lambda c: c.code, "code")
        found += _duplicates((*at, "kpis"), ch.kpis, lambda k: k.indicator, "indicator")
        return found

    def _overlaps(self) -> list[Problem]:
        found: list[Problem] = []
        order = sorted(range(len(self.seasons)), key=lambda i: self.seasons[i].start)
        for before, after in itertools.pairwise(order):
            a, b = self.seasons[before], self.seasons[after]
            if b.start <= a.end and not b.overlaps_previous:
                found.append(
                    (
                        ("seasons", after, "start"),
                        f"season {b.id} starts {b.start.isoformat()}, before season {a.id} ends "
                        f"({a.end.isoformat()}); move it or declare overlaps_previous: true",
                    )
                )
        return found


def _duplicates(
    at: tuple[str | int, ...],
    items: Iterable[T],
    key: Callable[[T], object],
    field: str | None = "id",
) -> list[Problem]:
    """Every item whose key was already seen, located at the item (or its ``field``)."""
    found: list[Problem] = []
    seen: set[object] = set()
    for i, item in enumerate(items):
        value = key(item)
        if value in seen:
            loc = (*at, i) if field is None else (*at, i, field)
            found.append((loc, f"duplicate {field or 'value'} {value!r}"))
        seen.add(value)
    return found


def _suggest(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
