"""The city-side HTTP client of the hub (httpx): push, head, feed, bundle download.

Rule header: pushing is idempotent (the hub answers 200 to a bundle it already has), so network
faults, 500 and 502-504 answers and 429 are retried as the package's one retry policy says
(:mod:`datacity_federation._http`, :data:`~datacity_federation._http.HUB_RETRY`: exponential
backoff, the hub's ``Retry-After`` honoured up to 30 s); a 409 is returned to the caller with the
hub's head (the caller rebuilds on it); a 429 that cannot wait and any other 4xx raise
:class:`~datacity_federation.errors.HubRejected` with the hub's code and reason. The transport is
injectable (``httpx.MockTransport`` in tests).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from datacity_federation._http import (
    HUB_RETRY,
    RETRY_STATUSES,
    RetryPolicy,
    make_sync_client,
    parse_retry_after,
)
from datacity_federation.errors import HubRejected

__all__ = ["HubClient", "HubUnreachable", "PushOutcome"]


class HubUnreachable(HubRejected):
    """The hub could not be reached (or kept failing) after every retry."""

    def __init__(self, detail: str) -> None:
        super().__init__(503, "unreachable", detail)


@dataclass(frozen=True, slots=True)
class PushOutcome:
    status: int
    """201 stored, 200 already there, 409 conflict."""
    bundle_id: str | None
    head_seq: int | None = None
    head_id: str | None = None


class HubClient:
    """A client of one hub. ``token`` is the city's bearer token (needed to push only)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy = HUB_RETRY,
        timeout: float = 30.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise HubRejected(
                400, "bad_url", f"hub URL must start with http:// or https://: {base_url!r}"
            )
        self._token = token
        self._retry = retry
        self._http = make_sync_client(
            base_url=base_url.rstrip("/"), transport=transport, timeout=timeout
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, url: str, **kw: Any) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(method, url, **kw)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
                delay = self._retry.wait(attempt)
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                last = f"HTTP {response.status_code}"
                after = parse_retry_after(response.headers.get("retry-after"))
                delay = self._retry.wait(attempt, after)
                if delay is None and response.status_code == 429:
                    return response  # the caller raises the hub's own 429 answer
            if delay is None:
                raise HubUnreachable(f"{self._http.base_url}{url}: {last} (after {attempt} tries)")
            time.sleep(delay)

    @staticmethod
    def _error(response: httpx.Response) -> HubRejected:
        try:
            body = response.json()
            return HubRejected(response.status_code, str(body["error"]), str(body["detail"]))
        except (ValueError, KeyError, TypeError):
            return HubRejected(response.status_code, "http_error", response.text[:200])

    def push(self, city: str, data: bytes) -> PushOutcome:
        """Push one bundle; retry faults; return 200/201, or 409 with the hub's head."""
        headers = {"Content-Type": "application/zip"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        r = self._send("POST", f"/api/v1/cities/{city}/bundles", content=data, headers=headers)
        if r.status_code in (200, 201):
            return PushOutcome(r.status_code, r.json()["bundle_id"])
        if r.status_code == 409:
            head = (r.json().get("head") or {}) if _is_json(r) else {}
            return PushOutcome(409, None, int(head.get("seq") or 0), head.get("bundle_id"))
        raise self._error(r)

    def head(self, city: str) -> tuple[int, str | None]:
        r = self._send("GET", f"/api/v1/cities/{city}/head")
        if r.status_code != 200:
            raise self._error(r)
        body = r.json()
        return int(body["seq"]), body["bundle_id"]

    def feed(self, after: str | None = None, limit: int = 100) -> tuple[list[dict[str, Any]], str]:
        params: dict[str, Any] = {"limit": limit}
        if after:
            params["after"] = after
        r = self._send("GET", "/api/v1/feed", params=params)
        if r.status_code != 200:
            raise self._error(r)
        body = r.json()
        return list(body["items"]), str(body["next"])

    def network(self) -> str:
        """The network the hub serves (from its health answer)."""
        r = self._send("GET", "/api/v1/health")
        if r.status_code != 200:
            raise self._error(r)
        return str(r.json()["network"])

    def keys(self) -> dict[str, list[dict[str, Any]]]:
        """Every city's public keys as the hub lists them (unverified: pin them by fingerprint)."""
        r = self._send("GET", "/api/v1/keys")
        if r.status_code != 200:
            raise self._error(r)
        return {str(c["city"]): list(c["keys"]) for c in r.json()["cities"]}

    def bundle(self, bundle_id: str) -> bytes:
        r = self._send("GET", f"/api/v1/bundles/{bundle_id}")
        if r.status_code != 200:
            raise self._error(r)
        return r.content


def _is_json(r: httpx.Response) -> bool:
    return str(r.headers.get("content-type", "")).startswith("application/json")
