"""Use cases over city files: check them, scaffold a new one, show a season's timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from datacity_federation._config.loader import (
    FEDERATION_FILE,
    load_city,
    load_federation,
    load_federation_settings,
)
from datacity_federation._config.resources import default_cities_dir, templates_dir
from datacity_federation._config.schema import city_schema_text
from datacity_federation._i18n import Catalogs, Translator
from datacity_federation.domain.base import (
    LANGUAGE_PATTERN,
    CountryCode,
    CurrencyCode,
    LanguageTag,
    Slug,
    TimeZoneName,
    value_problems,
)
from datacity_federation.domain.city import City
from datacity_federation.domain.federation import FederationSettings
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import PHASE_LABELS, Phase, PortalKind
from datacity_federation.errors import ConfigError, ConfigProblem, DatacityError

__all__ = [
    "CheckReport",
    "PhaseLine",
    "TimelineView",
    "check_paths",
    "city_names",
    "find_cities_dir",
    "join_members",
    "new_city_file",
    "non_members",
    "resolve_city",
    "timeline_view",
]


_LANGUAGE = re.compile(LANGUAGE_PATTERN.strip("^$"))
_LANGUAGE_KEY = re.compile(r"\s*([a-zA-Z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*=")


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What a check found valid."""

    cities: tuple[City, ...]
    files: int
    outsiders: tuple[Path, ...] = ()
    """City files in a federation folder that are not among its ``members`` (not loaded)."""

    @property
    def seasons(self) -> int:
        return sum(len(c.seasons) for c in self.cities)

    @property
    def challenges(self) -> int:
        return sum(len(s.challenges) for c in self.cities for s in c.seasons)


def find_cities_dir(explicit: Path | None = None) -> Path:
    """``explicit``, else ``./cities`` when it exists, else the cities shipped with the library."""
    if explicit is not None:
        return explicit
    here = Path("cities")
    return here if (here / FEDERATION_FILE).is_file() else default_cities_dir()


def _settings_beside(path: Path) -> FederationSettings | None:
    federation = path.parent / FEDERATION_FILE
    return load_federation_settings(federation) if federation.is_file() else None


def check_paths(*, paths: list[Path]) -> CheckReport:
    """Load and check every file or folder in ``paths``; raise one :class:`ConfigError` for all."""
    cities: list[City] = []
    problems: list[ConfigProblem] = []
    outsiders: list[Path] = []
    files = 0
    for path in paths:
        try:
            if path.is_dir() and (path / FEDERATION_FILE).is_file():
                federation = load_federation(path)
                cities += federation.cities
                files += 1 + len(federation.cities)
                outsiders += non_members(path, federation.settings)
            elif path.is_dir():
                for file in sorted(path.glob("*.yaml")):
                    files += 1
                    cities.append(load_city(file))
            elif path.name == FEDERATION_FILE:
                files += 1
                load_federation_settings(path)
            else:
                files += 1
                cities.append(load_city(path, settings=_settings_beside(path)))
        except ConfigError as exc:
            problems += exc.problems
    if problems:
        raise ConfigError(problems)
    return CheckReport(tuple(cities), files, tuple(outsiders))


def non_members(folder: Path, settings: FederationSettings) -> list[Path]:
    """City files in ``folder`` that ``members`` leaves out (none when ``members`` is empty)."""
    if not settings.members:
        return []
    members = set(settings.members)
    return sorted(
        p for p in folder.glob("*.yaml") if p.name != FEDERATION_FILE and p.stem not in members
    )


def resolve_city(*, city: str, cities_dir: Path | None = None) -> City:
    """A city by id (from the cities folder) or by the path of its file."""
    as_path = Path(city)
    if as_path.suffix in {".yaml", ".yml"} or as_path.is_file():
        return load_city(as_path, settings=_settings_beside(as_path))
    folder = find_cities_dir(cities_dir)
    path = folder / f"{city}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml") if p.name != FEDERATION_FILE)
        raise DatacityError(f"no city {city!r} in {folder} (known: {', '.join(known) or 'none'})")
    return load_city(path, settings=_settings_beside(path))


@dataclass(frozen=True, slots=True)
class PhaseLine:
    """One phase of a timeline, ready to print."""

    phase: Phase
    label: str
    start: date
    end: date
    current: bool
    days_left: int | None


@dataclass(frozen=True, slots=True)
class TimelineView:
    """A season's phases on a given day, in one language."""

    city: City
    season: Season
    on: date
    translator: Translator
    lines: tuple[PhaseLine, ...]

    @property
    def lang(self) -> str:
        """The locale of the view (BCP 47)."""
        return self.translator.tag


def _season_for(city: City, on: date) -> Season:
    running = [s for s in city.seasons if s.start <= on <= s.end]
    if running:
        return running[-1]
    started = [s for s in city.seasons if s.start <= on]
    return max(started, key=lambda s: s.start) if started else city.seasons[0]


def timeline_view(
    *,
    city: City,
    on: date,
    season_id: str | None = None,
    lang: str | None = None,
    catalogs: Catalogs | None = None,
) -> TimelineView:
    """The phases of ``season_id`` (default: the season running on ``on``, else the latest), in
    ``lang`` (default: the city's first language) with words from ``catalogs``."""
    if not city.seasons:
        raise DatacityError(f"city {city.id} declares no season")
    if season_id is None:
        season = _season_for(city, on)
    else:
        found = city.season(season_id)
        if found is None:
            known = ", ".join(s.id for s in city.seasons)
            raise DatacityError(f"city {city.id} has no season {season_id!r} (known: {known})")
        season = found
    translator = (catalogs or Catalogs()).translator(lang or city.default_language)
    current = season.phase_on(on)
    lines = tuple(
        PhaseLine(
            phase=span.phase,
            label=translator.label(PHASE_LABELS, span.phase),
            start=span.start,
            end=span.end,
            current=span.phase is current,
            days_left=season.days_left(on) if span.phase is current else None,
        )
        for span in season.timeline()
    )
    return TimelineView(city=city, season=season, on=on, translator=translator, lines=lines)


def city_names(names: list[str], languages: list[str]) -> dict[str, str]:
    """``--name`` values as a name per language: ``LANG=NAME`` items, or one plain name for
    every language; a plain name also fills the declared languages no ``LANG=`` item names."""
    from datacity_federation._i18n import bcp47

    plain = [n.strip() for n in names if "=" not in n or not _LANGUAGE_KEY.match(n)]
    plain = [n for n in plain if n]
    if len(plain) > 1:
        raise DatacityError(f"--name: give one plain name, or LANG=NAME items (got {plain!r})")
    given: dict[str, str] = {}
    for item in names:
        key = _LANGUAGE_KEY.match(item)
        if key is None:
            continue
        lang, text = bcp47(key.group(1)), item[key.end() :].strip()
        if not text:
            raise DatacityError(f"--name: empty name for {lang!r} in {item!r}")
        given[lang] = text
    if not plain and not given:
        raise DatacityError("--name: give the city's name, e.g. --name 'São Paulo'")
    out = {lang: given.get(lang) or (plain[0] if plain else "") for lang in languages}
    out = {lang: text for lang, text in out.items() if text}
    out.update({lang: text for lang, text in given.items() if lang not in out})
    if not out:
        raise DatacityError("--name: no name in any of --languages; add LANG=NAME for one of them")
    return out


def new_city_file(
    *,
    slug: str,
    name: str | dict[str, str],
    country: str,
    languages: list[str],
    timezone: str,
    currency: str,
    portals: list[tuple[str, str]],
    first_season: date,
    out_dir: Path,
    force: bool = False,
    join: bool = True,
) -> Path:
    """Render ``templates/city.yaml.j2`` into ``out_dir/<slug>.yaml``, checked before it is written.

    ``name``: one name, or a name per language. With ``join`` (the default) the city is added to
    the ``members`` of the ``federation.yaml`` beside it, so that it takes part at once.

    Raises :class:`ConfigError` (the problems of the would-be file) or :class:`DatacityError`.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    kinds = {k.value for k in PortalKind}
    for kind, _url in portals:
        if kind not in kinds:
            raise DatacityError(
                f"--portal: unknown kind {kind!r} (one of {', '.join(sorted(kinds))})"
            )
    for problem in value_problems(Slug, slug):
        raise DatacityError(f"SLUG: {problem.message}")
    from datacity_federation._i18n import bcp47

    languages = [bcp47(lang) if _LANGUAGE.fullmatch(lang.replace("_", "-")) else lang
                 for lang in languages]  # fmt: skip
    names = dict.fromkeys(languages, name) if isinstance(name, str) else dict(name)
    # The domain's own types say what is wrong, each named after the option to fix.
    checks: list[tuple[str, Any, Any]] = [
        ("--languages", tuple[LanguageTag, ...], languages),
        ("--name", tuple[LanguageTag, ...], list(names)),
        ("--timezone", TimeZoneName, timezone),
        ("--currency", CurrencyCode, currency),
        ("--country", CountryCode, country),
    ]
    wrong = [
        f"{option}: {problem.message}"
        for option, kind, value in checks
        for problem in value_problems(kind, value)
    ]
    if not languages:
        wrong.append("--languages: give at least one language, e.g. 'fr,en'")
    if wrong:
        raise DatacityError("\n".join(dict.fromkeys(wrong)))
    target = out_dir / f"{slug}.yaml"
    if target.exists() and not force:
        raise DatacityError(f"{target} already exists (use --force to overwrite)")
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["yaml_str"] = _yaml_str
    text = env.get_template("city.yaml.j2").render(
        slug=slug,
        names=names,
        country=country,
        languages=languages,
        timezone=timezone,
        currency=currency,
        portals=[
            {"id": f"{kind}-{i}" if len(portals) > 1 else kind, "kind": kind, "url": url}
            for i, (kind, url) in enumerate(portals, start=1)
        ],
        first_season=first_season.isoformat(),
    )
    settings = _settings_beside(target) if out_dir.is_dir() else None
    try:
        load_city(target, settings=settings, content=text.encode("utf-8"))
    except ConfigError as exc:
        # Point at the option the user typed, not at a file that does not exist yet.
        raise DatacityError(
            "\n".join(f"{_option_of(p.field)}: {p.message}" for p in exc.problems)
        ) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    federation = out_dir / FEDERATION_FILE
    joined = join_members(federation, slug) if join and federation.is_file() else None
    target.write_text(text, encoding="utf-8")
    if joined is not None:
        federation.write_text(joined, encoding="utf-8")
    schema = out_dir / "city.schema.json"
    if not schema.exists():
        # Editors that read the yaml-language-server comment check the file as it is typed.
        schema.write_text(city_schema_text(), encoding="utf-8")
    return target


_OPTIONS = {
    "id": "SLUG",
    "name": "--name",
    "partners": "--name",
    "country": "--country",
    "timezone": "--timezone",
    "currency": "--currency",
    "languages": "--languages",
    "portals": "--portal",
    "seasons": "--first-season",
}


def _option_of(field: str) -> str:
    head = field.split(".")[0].split("[")[0]
    return _OPTIONS.get(head, field or "new-city")


def _yaml_str(value: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    import json

    return json.dumps(str(value), ensure_ascii=False)


def join_members(federation: Path, slug: str) -> str | None:
    """The text of ``federation.yaml`` with ``slug`` added to ``members``, comments and layout
    kept; ``None`` when nothing needs to change (already a member, or no ``members`` list, which
    means every file of the folder is a member)."""
    import yaml

    text = federation.read_text(encoding="utf-8")
    settings = load_federation_settings(federation)
    if not settings.members or slug in settings.members:
        return None
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(root, yaml.MappingNode)
    node = next(v for k, v in root.value if getattr(k, "value", None) == "members")
    assert isinstance(node, yaml.SequenceNode)
    start, end = node.start_mark.index, node.end_mark.index
    if node.flow_style:
        items = ", ".join([*settings.members, slug])
        joined = f"{text[:start]}[{items}]{text[end:]}"
    else:
        last = node.value[-1]
        line_start = text.rfind("\n", 0, last.start_mark.index) + 1
        indent = text[line_start : last.start_mark.index]  # "  - "
        line_end = text.find("\n", last.end_mark.index)
        line_end = len(text) if line_end < 0 else line_end
        joined = f"{text[:line_end]}\n{indent}{slug}{text[line_end:]}"
    check = yaml.safe_load(joined)
    if list(check.get("members", [])) != [*settings.members, slug]:
        raise DatacityError(f"{federation}: could not add {slug!r} to members; add it by hand")
    return joined
