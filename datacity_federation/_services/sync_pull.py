"""Use case of a reader of the hub: pull the feed and keep every bundle that verifies.

Rule header: nothing from the hub is trusted: each bundle the feed names is verified offline
against its city's public key before it is saved, one that fails is reported and skipped, and
the cursor moves only past pages already handled, so a run that stops resumes where it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from datacity_federation.errors import ReleaseError

if TYPE_CHECKING:
    from datacity_federation._sync.client import HubClient

__all__ = ["PullReport", "pull_feed"]


@dataclass
class PullReport:
    verified: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    cursor: str = ""


def pull_feed(*, client: HubClient, keys_dir: Path, out_dir: Path) -> PullReport:
    """Fetch the feed after the saved cursor, download every new bundle, verify it offline
    against ``keys_dir/<city>.pub``, save it in ``out_dir``, and remember the cursor."""
    from datacity_federation._sync.bundle import verify_bundle
    from datacity_federation._sync.keys import load_public_key

    out_dir.mkdir(parents=True, exist_ok=True)
    state = out_dir / "feed.cursor"
    cursor = state.read_text(encoding="utf-8").strip() if state.is_file() else ""
    report = PullReport(cursor=cursor)
    while True:
        items, nxt = client.feed(after=cursor or None, limit=200)
        for item in items:
            bundle_id, city = str(item["bundle_id"]), str(item["city"])
            data = client.bundle(bundle_id)
            pub = keys_dir / f"{city}.pub"
            try:
                if not pub.is_file():
                    raise ReleaseError(f"no public key {pub}")
                manifest, got, _signer, _cells = verify_bundle(data, [load_public_key(pub)])
                if got != bundle_id or manifest.city != city:
                    raise ReleaseError("the bundle is not the one the feed names")
            except ReleaseError as exc:
                report.failed.append((bundle_id, str(exc)))
                continue
            (out_dir / f"{city}-{manifest.seq:06d}-{bundle_id[:12]}.zip").write_bytes(data)
            report.verified.append(bundle_id)
        if nxt == cursor or not items:
            break
        cursor = nxt
        state.write_text(cursor + "\n", encoding="utf-8")
    report.cursor = cursor
    return report
