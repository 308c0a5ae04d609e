"""``python -m datacity_federation`` runs the ``datacity`` command line."""

from __future__ import annotations

from datacity_federation._cli import main

main()
