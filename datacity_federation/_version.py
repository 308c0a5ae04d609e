"""The package's version, in a module of its own: the edges that print it (the HTTP User-Agent)
read it here, not from the top-level namespace, which re-exports the edges themselves."""

from __future__ import annotations

__version__ = "0.1.0"
