"""City and federation files -> domain models, with every problem located.

Rule header: a file is read strictly (``yamlsafe``), validated by the domain models (whose types
also check codes against the outside world: languages, currencies and countries known to CLDR,
time zones known to zoneinfo) with their cross-checks deferred; the cross-checks then run located,
with the federation's themes and disclosure floor. The loader only places each problem the
domain reports at its ``file:line:column``.
Every problem in every file is collected before anything is raised, each as
``PATH:LINE:COL: field.path: message``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from datacity_federation._config.yamlsafe import YamlDocument, locate, parse_yaml
from datacity_federation.domain.base import Problem, format_loc
from datacity_federation.domain.city import City, profile_problems
from datacity_federation.domain.federation import Federation, FederationSettings
from datacity_federation.domain.season import PhaseDurations
from datacity_federation.errors import ConfigError, ConfigProblem, InvalidModelError

__all__ = [
    "FEDERATION_FILE",
    "load_city",
    "load_federation",
    "load_federation_settings",
]

FEDERATION_FILE = "federation.yaml"
M = TypeVar("M", bound=BaseModel)


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
    path: Path, doc: YamlDocument, exc: InvalidModelError, model: type[BaseModel]
) -> list[ConfigProblem]:
    """The domain's located problems, each pointed at its YAML node (a key the schema does not
    have at the key itself, with the closest field name)."""
    out = []
    for problem in exc.problems:
        loc = problem.loc
        message = problem.message
        if problem.kind == "extra_forbidden":
            where = locate(doc.root, loc, key=True)
            close = difflib.get_close_matches(str(loc[-1]), _model_fields(model, loc[:-1]), n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
        else:
            where = locate(doc.root, loc)
        shown = format_loc(tuple(p for p in loc if p != "[key]"))
        out.append(ConfigProblem(str(path), where.line, where.column, shown, message))
    return out


def _validate(
    path: Path, doc: YamlDocument, model: type[M], data: Mapping[str, Any]
) -> tuple[M | None, list[ConfigProblem]]:
    try:
        return model.model_validate(data, context={"defer_checks": True}), []
    except InvalidModelError as exc:
        return None, _validation_problems(path, doc, exc, model)


def _inherit_template(data: dict[str, Any], settings: FederationSettings | None) -> dict[str, Any]:
    """Fill in the durations of seasons that give neither durations nor explicit phases."""
    template: Any = settings.defaults.season_template.model_dump() if settings else None
    own = data.get("season_template")
    if isinstance(own, dict):
        try:
            template = PhaseDurations.model_validate(own).model_dump()
        except InvalidModelError:
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
    if city is None:
        problems.sort(key=lambda p: (p.line, p.column))
        return None, problems
    extra_themes = [t.code for t in settings.themes] if settings else []
    floor = settings.defaults.disclosure_profile if settings else "default"
    checks = city.problems(themes=extra_themes) + profile_problems(city.disclosure_profile, floor)
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
