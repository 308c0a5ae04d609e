"""The strict base every domain model stands on, and the small shared types."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from datacity_federation.domain.world import (
    check_country,
    check_currency,
    check_language,
    check_timezone,
)
from datacity_federation.errors import FieldProblem, InvalidModelError

__all__ = [
    "Code",
    "CrossChecked",
    "CountryCode",
    "CurrencyCode",
    "DomainModel",
    "Email",
    "LanguageTag",
    "Loc",
    "LocalizedText",
    "Problem",
    "Slug",
    "TimeZoneName",
    "checks_deferred",
    "explain",
    "field_problems",
    "raise_problems",
    "value_problems",
]

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"
LANGUAGE_SPELLINGS = r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$"
"""A language tag in BCP 47 (``pt-BR``) or POSIX (``pt_BR``) spelling."""
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
RECORD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
"""What a record identifier may look like (form tools give ids such as ``APP-2017.001``)."""

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=64),
    Field(description="A stable identifier: lower-case letters, digits, '-' or '_'."),
]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=64)]
Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN, max_length=254)]
"""An e-mail address (at most 254 characters, RFC 5321)."""
CurrencyCode = Annotated[
    str, StringConstraints(pattern=CURRENCY_PATTERN), AfterValidator(check_currency)
]
"""An ISO 4217 currency code known to CLDR, e.g. ``EUR``."""
CountryCode = Annotated[
    str, StringConstraints(pattern=COUNTRY_PATTERN), AfterValidator(check_country)
]
"""An ISO 3166-1 alpha-2 country code known to CLDR, e.g. ``FR``."""
TimeZoneName = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(check_timezone)
]
"""An IANA time zone, e.g. ``Europe/Paris``."""


@functools.lru_cache(maxsize=1024)
def _language(value: str) -> str:
    """``pt_BR`` (POSIX) is read as ``pt-BR``: both spellings name the same locale; then CLDR must
    know it. One cached call per distinct value (a CSV repeats a few languages many times)."""
    if "_" in value:
        parts = value.split("_")
        value = "-".join([parts[0], *(p.upper() if len(p) == 2 else p for p in parts[1:])])
    return check_language(value)


LanguageTag = Annotated[
    str,
    StringConstraints(pattern=LANGUAGE_SPELLINGS, max_length=35),
    AfterValidator(_language),
    Field(
        description="A BCP 47 language tag, e.g. 'fr', 'pt-BR', 'zh-Hans' ('pt_BR' is read as "
        "'pt-BR')."
    ),
]
NonEmptyText = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
LocalizedText = Annotated[
    dict[LanguageTag, NonEmptyText],
    Field(description="Text per language: a mapping from BCP 47 tag to text."),
]

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]
"""A located problem: the field path inside the checked object, and what is wrong."""


# What each format of the domain means, said the way a person would fix it.
PATTERN_HINTS = {
    COUNTRY_PATTERN: "use an ISO 3166-1 alpha-2 country code in capitals, e.g. 'FR'",
    CURRENCY_PATTERN: "use an ISO 4217 currency code in capitals, e.g. 'EUR'",
    r"^[A-Z_][A-Z0-9_]*$": "use the NAME of an environment variable (capitals, digits, '_')",
    EMAIL_PATTERN: "not an e-mail address",
    SLUG_PATTERN: "use lower-case letters, digits, '-' or '_' (e.g. 'paris')",
    r"^[a-z][a-z0-9_-]*$": "use a lower-case name, e.g. 'default'",
    CODE_PATTERN: "use a lower-case code: letters, digits and '_' (e.g. 'waste')",
    LANGUAGE_SPELLINGS: "not a BCP 47 language tag (e.g. 'fr', 'zh-Hans')",
    RECORD_ID_PATTERN: "not a record id: at most 64 letters, digits, '.', "
    "'_' or '-', starting with a letter or digit",
    r"^https?://[^\s/$.?#].[^\s]*$": "not an http(s) URL",
    r"^https?://\S+$": "not an http(s) URL",
}
_SHOWN = 60
"""Characters of a bad value quoted in a message (a 100,000-character cell is not echoed)."""


def _shown(value: object) -> str:
    if isinstance(value, str) and len(value) > _SHOWN:
        return repr(value[: _SHOWN - 3] + "...")
    return repr(value)


def explain(err: Mapping[str, Any]) -> FieldProblem:
    """One of pydantic's error details as a located problem worded for a person: a format hint
    instead of a regular expression, the bad value quoted, the union-branch noise dropped."""
    loc = tuple(
        part
        for part in err["loc"]
        if not (isinstance(part, str) and "[" in part and part != "[key]")
    )
    kind = str(err["type"])
    value = err.get("input")
    message = str(err["msg"])
    if kind == "missing":
        message = "required field is missing"
    elif kind == "extra_forbidden":
        message = f"unknown key {str(loc[-1])!r}" if loc else "unknown key"
    elif kind == "string_pattern_mismatch":
        message = PATTERN_HINTS.get(str(err.get("ctx", {}).get("pattern")), message)
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
    elif kind.startswith("date_"):
        reason = message.split(", ", 1)[1] if ", " in message else "invalid"
        message = f"not a date: {reason} (use YYYY-MM-DD)"
    elif kind == "decimal_parsing":
        message = "not a number (use a dot for decimals: 1234.50)"
    elif kind in ("int_parsing", "int_from_float"):
        message = "not a whole number"
    elif kind == "enum":
        message = f"unknown value (expected {err.get('ctx', {}).get('expected')})"
    quoted = _shown(value)
    if (
        kind not in ("missing", "extra_forbidden")
        and isinstance(value, str | int | float)
        and not isinstance(value, bool)
        and quoted not in message
    ):
        message += f" (got {quoted})"
    return FieldProblem(loc, message, kind, value)


def field_problems(exc: ValidationError) -> list[FieldProblem]:
    """Every error of ``exc``, explained and located (a collection "too short" only because one
    of its items was refused is not reported twice)."""
    errors = exc.errors(include_url=False)
    inner = {tuple(e["loc"][:-1]) for e in errors if e["loc"]}
    return [
        explain(err) for err in errors if not (err["type"] == "too_short" and err["loc"] in inner)
    ]


@functools.lru_cache(maxsize=64)
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def value_problems(kind: Any, value: Any) -> list[FieldProblem]:
    """What the domain type ``kind`` (``Slug``, ``TimeZoneName``...) refuses in ``value``."""
    try:
        _adapter(kind).validate_python(value)
    except ValidationError as exc:
        return field_problems(exc)
    return []


class DomainModel(BaseModel):
    """Frozen, strict about unknown fields; field docstrings become schema descriptions.

    A bad value raises :class:`InvalidModelError` (a ``DatacityError``) naming every bad field,
    whether the model is built with keywords or by :meth:`model_validate`."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            self.__pydantic_validator__.validate_python(data, self_instance=self)
        except ValidationError as exc:
            raise InvalidModelError(type(self).__name__, field_problems(exc)) from None

    # Nested models are validated by pydantic's core, not through this __init__.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        """Validate ``obj``; :class:`InvalidModelError` names every bad field."""
        try:
            return super().model_validate(obj, **options)
        except ValidationError as exc:
            raise InvalidModelError(cls.__name__, field_problems(exc)) from None


class CrossChecked(DomainModel):
    """A model with rules across its fields, listed with their locations by :meth:`problems`.

    Building one raises on them (as :class:`InvalidModelError`), unless the caller runs them
    itself, located: the config loader validates with ``context={"defer_checks": True}``."""

    @model_validator(mode="after")
    def _cross_check(self, info: ValidationInfo) -> Self:
        if not checks_deferred(info):
            raise_problems(self.problems())
        return self

    def problems(self) -> list[Problem]:
        """Every broken rule, located inside the model."""
        raise NotImplementedError


def checks_deferred(info: ValidationInfo) -> bool:
    """True when the caller (the config loader) runs the cross-field checks itself, located."""
    context: Any = info.context
    return isinstance(context, dict) and bool(context.get("defer_checks"))


def format_loc(loc: Loc) -> str:
    """``("seasons", 0, "start")`` -> ``seasons[0].start``."""
    return FieldProblem(loc, "").field


def raise_problems(problems: Iterable[Problem]) -> None:
    """Raise one ``ValueError`` naming every problem, when there is any."""
    found = list(problems)
    if found:
        raise ValueError(
            "; ".join(f"{format_loc(loc)}: {msg}" if loc else msg for loc, msg in found)
        )


def prefixed(prefix: Loc, problems: Iterable[Problem]) -> Iterator[Problem]:
    """The same problems, located below ``prefix``."""
    for loc, msg in problems:
        yield (*prefix, *loc), msg
