"""Benchmark: the review in 20 languages against 20 times the review in one language.

Each side runs in a fresh Python process (nothing cached from the other side), builds the same
review from sample cells, then times only the rendering: side A renders English 20 times, side B
renders 20 different languages once each (every shipped catalogue plus one without a catalogue).
Catalogues, Babel's locale data and compiled templates are loaded once per process and language,
so B should cost little more than A. Printed: the best of several rounds of each side, run in
turn, and their ratio (target: at most 1.2x).

    python bench/review_languages.py
"""

from __future__ import annotations

import json
import subprocess
import sys

ROUNDS = 7
CHILD = r"""
import json, sys, time
from datetime import date
from decimal import Decimal
from datacity_federation._i18n import Catalogs
from datacity_federation._review import build_review
from datacity_federation._review.render import render_html
from datacity_federation._review.sample import sample_snapshot

langs = json.loads(sys.argv[1])
cities = [(f"city{i:02d}", ("EUR", "SGD", "INR", "BRL")[i % 4]) for i in range(40)]
snap = sample_snapshot(cities=cities, years=(2018, 2019), seed=7)
review = build_review(snap, year=2019, on=date(2020, 1, 10),
                      currency_rates={"SGD": Decimal("0.68"), "INR": Decimal("0.011"),
                                      "BRL": Decimal("0.2")}, review_currency="EUR")
catalogs = Catalogs()
started = time.perf_counter()
size = sum(len(render_html(review, lang=lang, catalogs=catalogs)) for lang in langs)
print(json.dumps({"seconds": time.perf_counter() - started, "bytes": size}))
"""


def run(langs: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(langs)], check=True, capture_output=True, text=True
    )
    return float(json.loads(out.stdout)["seconds"])


def main() -> None:
    from datacity_federation._i18n import Catalogs

    shipped = list(Catalogs().languages())
    # Every shipped catalogue, one language without a catalogue, then regional variants to 20.
    languages = [*shipped[:19], "sw", "pt-PT", "fr-CA", "es-MX"][:20]
    one, many = [], []
    for _ in range(ROUNDS):
        one.append(run(["en"] * 20))
        many.append(run(languages))
    a, b = min(one), min(many)
    print(f"languages: {', '.join(languages)}")
    print(f"20 x one language (en): {a * 1000:8.1f} ms  (best of {ROUNDS} processes)")
    print(f"20 languages once each: {b * 1000:8.1f} ms")
    print(f"ratio: {b / a:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
