"""City and federation files -> domain models, with every problem located.

Rule header: a file is read strictly (``yamlsafe``), validated by the domain models with their
cross-checks deferred, then checked against the outside world (languages and currencies known to
Babel, time zones known to zoneinfo) and against the federation (themes, disclosure profile).
Every problem in every file is collected before anything is raised, each as
``PATH:LINE:COL: field.path: message``.
"""

from __future__ import annotations

import difflib
import functools
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from datacity_federation._config.yamlsafe import YamlDocument, locate, parse_yaml
from datacity_federation.domain.base import Problem, format_loc
from datacity_federation.domain.city import City
from datacity_federation.domain.federation import Federation, FederationSettings
from datacity_federation.domain.season import PhaseDurations
from datacity_federation.domain.vocab import DISCLOSURE_PROFILES, Theme
from datacity_federation.errors import ConfigError, ConfigProblem

__all__ = [
    "FEDERATION_FILE",
    "load_city",
    "load_federation",
    "load_federation_settings",
    "world_problems",
]

FEDERATION_FILE = "federation.yaml"
M = TypeVar("M", bound=BaseModel)

# What each format of the domain means, said the way a person would fix it.
_PATTERN_HINTS = {
    r"^[A-Z]{2}$": "use an ISO 3166-1 alpha-2 country code in capitals, e.g. 'FR'",
    r"^[A-Z]{3}$": "use an ISO 4217 currency code in capitals, e.g. 'EUR'",
    r"^[A-Z_][A-Z0-9_]*$": "use the NAME of an environment variable (capitals, digits, '_')",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "not an e-mail address",
    r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$": "use lower-case letters, digits, '-' or '_' (e.g. 'paris')",
    r"^[a-z][a-z0-9_-]*$": "use a lower-case name, e.g. 'default'",
    r"^[a-z][a-z0-9_]*$": "use a lower-case code: letters, digits and '_' (e.g. 'waste')",
    r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$": "not a BCP 47 language tag (e.g. 'fr', 'zh-Hans')",
    r"^https?://[^\s/$.?#].[^\s]*$": "not an http(s) URL",
    r"^https?://\S+$": "not an http(s) URL",
}


def _read(path: Path, raw: bytes | None = None) -> tuple[YamlDocument | None, list[ConfigProblem]]:
    shown = str(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None, [ConfigProblem(shown, 1, 1, "", "no such file")]
        except IsADirectoryError:
            return None, [ConfigProblem(shown, 1, 1, "", "is a directory, not a YAML file")]
        except OSError as exc:
            return None, [ConfigProblem(shown, 1, 1, "", f"cannot read: {exc.strerror}")]
    doc = parse_yaml(raw)
    problems = [ConfigProblem(shown, p.line, p.column, p.field, p.message) for p in doc.problems]
    if doc.data is not None and not isinstance(doc.data, dict):
        problems.append(ConfigProblem(shown, 1, 1, "", "the file must be a mapping of keys"))
    return doc, problems


def _located(path: Path, doc: YamlDocument, problems: Iterable[Problem]) -> list[ConfigProblem]:
    out = []
    for loc, message in problems:
        where = locate(doc.root, loc)
        out.append(ConfigProblem(str(path), where.line, where.column, format_loc(loc), message))
    return out


def _model_fields(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Field names of the model found at ``loc`` below ``model`` (for "did you mean")."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(getattr(item, "__args__", ()) or ())
        origin = getattr(item, "__origin__", None)
        if origin is not None and getattr(item, "__metadata__", None) is not None:
            stack.append(origin)
    return None


def _validation_problems(
    path: Path, doc: YamlDocument, exc: ValidationError, model: type[BaseModel]
) -> list[ConfigProblem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(
            part
            for part in err["loc"]
            if not (isinstance(part, str) and "[" in part and part != "[key]")
        )
        kind = err["type"]
        if kind == "extra_forbidden":
            where = locate(doc.root, loc, key=True)
            name = str(loc[-1])
            close = difflib.get_close_matches(name, _model_fields(model, loc[:-1]), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            message = f"unknown key {name!r}{hint}"
        elif kind == "missing":
            where = locate(doc.root, loc)
            message = "required field is missing"
        else:
            where = locate(doc.root, loc)
            message = err["msg"]
            if kind == "string_pattern_mismatch":
                message = _PATTERN_HINTS.get(str(err.get("ctx", {}).get("pattern")), message)
            if kind == "value_error":
                message = message.removeprefix("Value error, ")
            value = err.get("input")
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                message += f" (got {value!r})"
        shown = format_loc(tuple(p for p in loc if p != "[key]"))
        out.append(ConfigProblem(str(path), where.line, where.column, shown, message))
    return out


def _validate(
    path: Path, doc: YamlDocument, model: type[M], data: Mapping[str, Any]
) -> tuple[M | None, list[ConfigProblem]]:
    try:
        return model.model_validate(data, context={"defer_checks": True}), []
    except ValidationError as exc:
        return None, _validation_problems(path, doc, exc, model)


@functools.lru_cache(maxsize=512)
def _known_language(tag: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _known_timezone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@functools.lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    from babel import Locale

    # CLDR also names groupings and private-use codes that are no country (EU, UN, ZZ...).
    not_countries = {"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"}
    return frozenset(
        str(code)
        for code in Locale("en").territories
        if str(code).isalpha() and str(code) not in not_countries
    )


def world_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Checks against the outside world's registries (Babel's CLDR, the IANA database).

    They read the raw values, so they are reported even when other fields fail validation.
    """
    found: list[Problem] = []
    languages = data.get("languages")
    for i, lang in enumerate(languages if isinstance(languages, list) else []):
        if isinstance(lang, str) and not _known_language(lang):
            found.append(
                (("languages", i), f"unknown language {lang!r} (BCP 47, e.g. 'fr', 'zh-Hans')")
            )
    tz = data.get("timezone")
    if isinstance(tz, str) and not _known_timezone(tz):
        found.append((("timezone",), f"unknown time zone {tz!r} (IANA, e.g. 'Europe/Paris')"))
    currency = data.get("currency")
    if isinstance(currency, str) and currency not in _currencies():
        found.append((("currency",), f"unknown currency {currency!r} (ISO 4217, e.g. 'EUR')"))
    country = data.get("country")
    if isinstance(country, str) and country not in _territories():
        found.append((("country",), f"unknown country {country!r} (ISO 3166-1 alpha-2, e.g. 'FR')"))
    portals = data.get("portals")
    for i, portal in enumerate(portals if isinstance(portals, list) else []):
        lang = portal.get("lang") if isinstance(portal, dict) else None
        if isinstance(lang, str) and not _known_language(lang):
            found.append((("portals", i, "lang"), f"unknown language {lang!r}"))
    return found


def _profile_problems(city: City, settings: FederationSettings | None) -> list[Problem]:
    floor = settings.defaults.disclosure_profile if settings else "default"
    if city.disclosure_profile is None:
        return []
    if city.disclosure_profile not in DISCLOSURE_PROFILES:
        known = ", ".join(DISCLOSURE_PROFILES)
        return [(("disclosure_profile",), f"unknown profile {city.disclosure_profile!r} ({known})")]
    if floor in DISCLOSURE_PROFILES and DISCLOSURE_PROFILES.index(
        city.disclosure_profile
    ) < DISCLOSURE_PROFILES.index(floor):
        return [
            (
                ("disclosure_profile",),
                f"{city.disclosure_profile!r} is looser than the federation's {floor!r}; a city may "
                "only make the rules stricter",
            )
        ]
    return []


def _inherit_template(data: dict[str, Any], settings: FederationSettings | None) -> dict[str, Any]:
    """Fill in the durations of seasons that give neither durations nor explicit phases."""
    template: Any = settings.defaults.season_template.model_dump() if settings else None
    own = data.get("season_template")
    if isinstance(own, dict):
        try:
            template = PhaseDurations.model_validate(own).model_dump()
        except ValidationError:
            template = None  # reported where it is written, not once per season
    seasons = data.get("seasons")
    if template is None or not isinstance(seasons, list):
        return data
    filled = [
        {**s, "durations": template}
        if isinstance(s, dict) and "durations" not in s and "phases" not in s
        else s
        for s in seasons
    ]
    return {**data, "seasons": filled}


def _load_city(
    path: Path, settings: FederationSettings | None, raw: bytes | None = None
) -> tuple[City | None, list[ConfigProblem]]:
    doc, problems = _read(path, raw)
    if doc is None or doc.data is None or not isinstance(doc.data, dict):
        return None, problems
    data = _inherit_template(doc.data, settings)
    city, invalid = _validate(path, doc, City, data)
    problems += invalid
    world = world_problems(data)
    if city is None:
        problems += _located(path, doc, world)
        problems.sort(key=lambda p: (p.line, p.column))
        return None, problems
    extra_themes = [t.code for t in settings.themes] if settings else []
    checks = city.problems(themes=extra_themes) + world + _profile_problems(city, settings)
    if city.id != path.stem:
        checks.append((("id",), f"the id must match the file name: {path.stem!r}"))
    problems += _located(path, doc, checks)
    problems.sort(key=lambda p: (p.line, p.column))
    return (None if problems else city), problems


def load_city(
    path: str | Path,
    *,
    settings: FederationSettings | None = None,
    content: bytes | None = None,
) -> City:
    """Load and check one city file; raise :class:`ConfigError` listing every problem.

    Without ``settings`` the city stands alone on the Data City defaults; with them, it inherits
    the federation's season template, themes and disclosure floor. ``content`` checks those bytes
    as if they were the file at ``path`` (for a file about to be written).
    """
    city, problems = _load_city(Path(path), settings, content)
    if problems or city is None:
        raise ConfigError(problems)
    return city


def _load_settings(path: Path) -> tuple[FederationSettings | None, list[ConfigProblem]]:
    doc, problems = _read(path)
    if doc is None or not isinstance(doc.data, dict):
        return None, problems
    settings, invalid = _validate(path, doc, FederationSettings, doc.data)
    problems += invalid
    if settings is not None:
        checks: list[Problem] = []
        canonical = {t.value for t in Theme}
        for i, theme in enumerate(settings.themes):
            if theme.code in canonical:
                checks.append(
                    (("themes", i, "code"), f"{theme.code!r} is already a canonical theme")
                )
        if settings.defaults.disclosure_profile not in DISCLOSURE_PROFILES:
            checks.append(
                (
                    ("defaults", "disclosure_profile"),
                    f"unknown profile {settings.defaults.disclosure_profile!r} "
                    f"({', '.join(DISCLOSURE_PROFILES)})",
                )
            )
        for i, lang in enumerate(settings.defaults.reporting_languages):
            if not _known_language(lang):
                checks.append(
                    (("defaults", "reporting_languages", i), f"unknown language {lang!r}")
                )
        problems += _located(path, doc, checks)
    return (None if problems else settings), problems


def load_federation_settings(path: str | Path) -> FederationSettings:
    """Load ``federation.yaml`` alone; raise :class:`ConfigError` listing every problem."""
    settings, problems = _load_settings(Path(path))
    if problems or settings is None:
        raise ConfigError(problems)
    return settings


def load_federation(directory: str | Path) -> Federation:
    """Load ``federation.yaml`` and every member city file in ``directory``.

    Every problem of every file is collected, then raised at once as one :class:`ConfigError`.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise ConfigError([ConfigProblem(str(folder), 1, 1, "", "no such directory")])
    settings_path = folder / FEDERATION_FILE
    settings, problems = _load_settings(settings_path)
    if settings is not None and settings.members:
        paths = [folder / f"{member}.yaml" for member in settings.members]
    else:
        paths = sorted(p for p in folder.glob("*.yaml") if p.name != FEDERATION_FILE)
    cities: list[City] = []
    for path in paths:
        city, found = _load_city(path, settings)
        problems += found
        if city is not None:
            cities.append(city)
    if problems or settings is None:
        raise ConfigError(problems)
    # The cities were checked above, located; do not check them a second time.
    return Federation.model_validate(
        {"settings": settings, "cities": tuple(cities)}, context={"defer_checks": True}
    )
