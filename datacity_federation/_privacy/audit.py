"""The linear audit: can a suppressed cell be derived exactly from what is published?

Rule header: each published linear relation ``sum(coef * cell) = 0`` (a total minus its parts)
becomes, once the published cells are moved to the right-hand side, an equation over the
suppressed cells only. A suppressed cell is exactly derivable iff its unit vector lies in the
row space of that system. Exact rational arithmetic (``fractions.Fraction``) and Gauss-Jordan
elimination to reduced row echelon form decide it: ``e_i`` is in the row space iff some
reduced row is exactly ``e_i`` (pivot on ``i`` and zero elsewhere).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from fractions import Fraction
from typing import TypeVar

__all__ = ["Relation", "derivable_cells", "rref"]

K = TypeVar("K", bound=Hashable)

Relation = Mapping[K, int]
"""A linear relation between cells: coefficient per cell key, summing to zero."""


def rref(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """Reduced row echelon form (non-zero rows only) of ``rows``; exact."""
    m = [r[:] for r in rows if any(r)]
    out_rows = 0
    for col in range(width):
        pivot = next((i for i in range(out_rows, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[out_rows], m[pivot] = m[pivot], m[out_rows]
        pr = m[out_rows]
        inv = 1 / pr[col]
        pr[:] = [x * inv for x in pr]
        for i in range(len(m)):
            if i != out_rows and m[i][col] != 0:
                f = m[i][col]
                row = m[i]
                row[:] = [a - f * b for a, b in zip(row, pr, strict=True)]
        out_rows += 1
    return m[:out_rows]


def derivable_cells(relations: Sequence[Relation[K]], suppressed: Collection[K]) -> set[K]:
    """The suppressed cells whose exact value follows from the relations and published cells."""
    hidden = sorted(suppressed, key=repr)
    index = {k: i for i, k in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for rel in relations:
        row = [Fraction(0)] * len(hidden)
        touched = False
        for key, coef in rel.items():
            i = index.get(key)
            if i is not None and coef:
                row[i] += Fraction(coef)
                touched = True
        if touched:
            rows.append(row)
    found: set[K] = set()
    for r in rref(rows, len(hidden)):
        nonzero = [i for i, x in enumerate(r) if x != 0]
        if len(nonzero) == 1:
            found.add(hidden[nonzero[0]])
    return found
