"""The sync edge: signed release bundles, the federation hub and the city-side client.

Import the submodules directly (``datacity_federation._sync.bundle``, ``.hub``, ``.hub_store``,
``.client``); this package imports nothing heavy by itself.
"""

from __future__ import annotations

__all__: list[str] = []
