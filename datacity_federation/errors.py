"""The one exception tree of datacity_federation.

Applications catch :class:`DatacityError` and nothing lower::

    DatacityError
    ├── ConfigError            a city or federation file is wrong (carries every located problem)
    ├── DomainError            a rule of the programme is broken
    │   ├── InvalidModelError  a domain model built with bad values (carries every located field)
    │   └── TransitionError    a lifecycle move that the flow does not allow
    ├── StoreError             the programme records cannot be read or written
    │   └── ImportRowsError    a CSV import was refused (carries every bad row)
    ├── PortalError            an open-data portal failed or answered badly
    │   ├── PortalUnreachable  timeout, unknown host, refused or dropped connection
    │   ├── PortalBadResponse  an HTML page, a truncated body or an unexpected shape
    │   ├── PortalRateLimited  the portal said 429 and retrying did not help (retry_after)
    │   ├── PortalQueryError   the portal refused the query (ODSQL, Solr, parameters)
    │   └── DatasetNotFound    the data set does not exist (or is not visible)
    ├── ReleaseError           an anonymised release cannot be built, verified or read
    │   └── EmptySeasonError   a season with no records at all would be released as zeros
    ├── HubRejected            the federation hub refused a request (HTTP status + reason)
    ├── MirrorRefused          a mirror refused its source hub (a bundle that does not verify)
    ├── ReviewError            the annual review cannot be built or rendered
    └── LanguageError          an unknown language tag, an unreadable catalogue, or words that
                               would fall back to English under --strict-lang

Every error has a one-line ``str()`` meant for a person; the CLI prints it and exits non-zero,
never with a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "ConfigProblem",
    "DatacityError",
    "DatasetNotFound",
    "DomainError",
    "EmptySeasonError",
    "FieldProblem",
    "HubRejected",
    "ImportRowsError",
    "InvalidModelError",
    "LanguageError",
    "MirrorRefused",
    "PortalBadResponse",
    "PortalError",
    "PortalQueryError",
    "PortalRateLimited",
    "PortalUnreachable",
    "ReleaseError",
    "ReviewError",
    "RowProblem",
    "StoreError",
    "TransitionError",
]


class DatacityError(Exception):
    """Root of every error the library raises on purpose."""

    exit_code: int = 1


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One located problem in a configuration file."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ConfigError(DatacityError):
    """A configuration file (or several) failed to load; ``problems`` lists every one found."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class DomainError(DatacityError, ValueError):
    """A rule of the programme is broken (an impossible timeline, a dangling reference...)."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One bad value of a domain model: where inside it (``("seasons", 0, "start")``), what is
    wrong, the kind of check that failed (pydantic's error type) and the value given."""

    loc: tuple[str | int, ...]
    message: str
    kind: str = "value_error"
    value: object = None

    @property
    def field(self) -> str:
        """The location as text: ``seasons[0].start``."""
        out = ""
        for part in self.loc:
            if isinstance(part, int):
                out += f"[{part}]"
            else:
                out += f".{part}" if out else part
        return out

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.loc else self.message


class InvalidModelError(DomainError):
    """A domain model was given bad values; ``problems`` lists every one, located by field.

    Building a model in code (``City(...)``, ``City.model_validate(data)``) raises it; the config
    loader turns the same problems into ``PATH:LINE:COL`` lines, a CSV import into ``FILE:ROW``."""

    def __init__(self, model: str, problems: Sequence[FieldProblem]) -> None:
        self.model = model
        self.problems = tuple(problems)
        super().__init__(f"{model}: " + "; ".join(str(p) for p in self.problems))


class TransitionError(DomainError):
    """A lifecycle move that the flow does not allow."""

    def __init__(self, kind: str, record_id: str, current: str, target: str, why: str = "") -> None:
        self.kind = kind
        self.record_id = record_id
        self.current = current
        self.target = target
        reason = f": {why}" if why else ""
        super().__init__(f"{kind} {record_id}: cannot move from {current} to {target}{reason}")


class StoreError(DatacityError):
    """The programme records cannot be read or written."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad row of a CSV file (row 1 is the header, so data rows start at 2)."""

    path: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.row}: {self.column}: {self.message}"


class ImportRowsError(StoreError):
    """A CSV import was refused as a whole; ``problems`` lists every bad row."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PortalError(DatacityError):
    """An open-data portal failed or answered badly."""

    def __init__(
        self,
        portal: str,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.portal = portal
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.message = message
        prefix = f"portal {portal}"
        if status is not None:
            prefix += f" (HTTP {status})"
        super().__init__(f"{prefix}: {message}")


class PortalUnreachable(PortalError):
    """The portal could not be reached: timeout, unknown host, refused or dropped connection."""


class PortalBadResponse(PortalError):
    """The portal answered, but not with what its API promises (HTML, truncated JSON...)."""


class PortalRateLimited(PortalError):
    """The portal kept answering 429; ``retry_after`` says when it may accept calls again."""


class PortalQueryError(PortalError):
    """The portal refused the query or its parameters (ODSQL, Solr syntax, bad values)."""


class DatasetNotFound(PortalError):
    """The data set does not exist on the portal (or is not visible to this client)."""


class ReleaseError(DatacityError):
    """An anonymised release cannot be built, verified or read."""


class EmptySeasonError(ReleaseError):
    """Seasons with no records at all (no application, pilot, sponsorship or contract value):
    releasing them would publish zeros the review shows as real, so they are refused unless
    asked for (``allow_empty``). Usually the database is the wrong one."""

    def __init__(self, city: str, seasons: Sequence[str], database: str) -> None:
        self.city = city
        self.seasons = tuple(seasons)
        self.database = database
        which = f"season {seasons[0]}" if len(seasons) == 1 else f"seasons {', '.join(seasons)}"
        super().__init__(
            f"{city} {which}: no records in {database} (no application, pilot, sponsorship or "
            "contract value); a release would publish zeros. Check --db, or give --allow-empty "
            "to release an empty season"
        )


class HubRejected(DatacityError):
    """The federation hub refused a request."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        self.status = status
        self.error = error
        self.detail = detail
        super().__init__(f"hub refused (HTTP {status}, {error}): {detail}")


class MirrorRefused(DatacityError):
    """A mirror refused its source hub: it served a bundle whose signature, hashes or chain do
    not verify (or not the bundle its feed names); nothing of that bundle was stored."""

    def __init__(self, source: str, city: str, bundle_id: str, reason: str) -> None:
        self.source = source
        self.city = city
        self.bundle_id = bundle_id
        self.reason = reason
        super().__init__(
            f"source hub {source} refused: it serves bundle {bundle_id} of {city} that does "
            f"not verify: {reason}"
        )


class ReviewError(DatacityError):
    """The annual review cannot be built or rendered."""


class LanguageError(DatacityError):
    """An unknown language tag, an unreadable catalogue, or (strict) words that fall back."""
