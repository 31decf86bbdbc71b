"""Cell suppression for public counts: no cell from 1 to 10, and none that can be worked out.

A report is a list of `Cell`s: a table, a category, the days it covers and its count. A count is a sum of
unknown "atoms", one per (family, category, stretch of days), where the stretches are cut at every
boundary of every cell of this report and of every report published before it; tables that partition the
same incidents (total, weeks, neighbourhoods, warrant kinds) add the equations "their atoms sum to the
total's atom" for each stretch. A published count is an equation; a published 0 also says each of its
atoms is 0 (counts cannot be negative). A suppressed cell is safe when its atom vector is not in the span
of those equations (exact rational Gaussian elimination), i.e. no combination of published numbers,
in this report or any earlier one, gives its value.

Primary suppression hides every count from 1 to 10; secondary suppression then hides, one at a time, the
smallest non-zero count in the same table (then anywhere linked) until no hidden cell can be worked out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left
from fractions import Fraction

SMALL = 10  # counts from 1 to SMALL are never shown (the CMS rule)

# Tables whose categories partition the incidents counted in "total" (and so sum to it).
PARTITIONS = ("neighbourhood", "warrant")
# Which atoms a table's cells add up: a week counts the same incidents as the total, day by day.
FAMILY = {"week": "total"}


@dataclasses.dataclass(frozen=True, slots=True)
class Cell:
    table: str
    category: str
    start: dt.date
    end: dt.date  # inclusive
    value: int | None  # None: suppressed

    def to_json(self) -> list:
        return [self.table, self.category, self.start.isoformat(), self.end.isoformat(), self.value]

    @staticmethod
    def from_json(item: list) -> Cell:
        return Cell(item[0], item[1], dt.date.fromisoformat(item[2]), dt.date.fromisoformat(item[3]), item[4])


class Exposed(Exception):
    """A suppressed count can be worked out from counts already published; nothing is published."""


class _Space:
    """The span of some rational vectors in reduced row echelon form (one pivot per row); each row also
    keeps which source equations it is made of, so a membership test can say how a value was derived."""

    def __init__(self):
        self.rows: dict[int, tuple[dict[int, Fraction], dict[int, Fraction]]] = {}

    def reduce(self, vec: dict[int, Fraction]) -> tuple[dict[int, Fraction], dict[int, Fraction]]:
        vec, combo = dict(vec), {}
        for pivot in [a for a in vec if a in self.rows]:
            factor = vec.get(pivot)
            if not factor:
                continue
            row, src = self.rows[pivot]
            _axpy(vec, -factor, row)
            _axpy(combo, factor, src)
        return vec, combo

    def add(self, vec: dict[int, Fraction], source: int) -> None:
        vec, combo = self.reduce(vec)
        if not vec:
            return
        src = {source: Fraction(1)}
        _axpy(src, Fraction(-1), combo)
        pivot = max(vec)
        scale = vec[pivot]
        vec = {a: c / scale for a, c in vec.items()}
        src = {k: c / scale for k, c in src.items()}
        for row, row_src in self.rows.values():
            factor = row.get(pivot)
            if factor:
                _axpy(row, -factor, vec)
                _axpy(row_src, -factor, src)
        self.rows[pivot] = (vec, src)

    def derivation(self, vec: dict[int, Fraction]) -> dict[int, Fraction] | None:
        """Source equations (with coefficients) that give `vec`, or None when they cannot."""
        residual, combo = self.reduce(vec)
        return None if residual else {k: c for k, c in combo.items() if c}


def _axpy(target: dict, factor: Fraction, vec: dict) -> None:
    for key, coef in vec.items():
        new = target.get(key, 0) + factor * coef
        if new:
            target[key] = new
        else:
            target.pop(key, None)


class System:
    """Cells of several reports as vectors over shared atoms, split into independent components."""

    def __init__(self, cells: list[Cell], partitions: dict[str, str] | None = None):
        bounds = sorted({c.start for c in cells} | {c.end + dt.timedelta(days=1) for c in cells})
        self._bounds = bounds
        self._atoms: dict[tuple, int] = {}
        self.vectors = [self._vector(c) for c in cells]
        partitions = {t: "total" for t in PARTITIONS} if partitions is None else partitions
        cats: dict[str, set[str]] = {t: set() for t in partitions}
        for c in cells:
            if c.table in cats:
                cats[c.table].add(c.category)
        self.structural: list[dict[int, Fraction]] = []
        for seg in bounds[:-1]:
            for table, names in cats.items():
                if names:
                    row = {self._atom((partitions[table], "", seg)): Fraction(-1)}
                    row.update({self._atom((table, n, seg)): Fraction(1) for n in sorted(names)})
                    self.structural.append(row)
        parent = list(range(len(self._atoms)))

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for vec in [*self.vectors, *self.structural]:
            atoms = list(vec)
            for other in atoms[1:]:
                parent[find(other)] = find(atoms[0])
        self._find = find
        self._cache: dict[int, tuple[tuple, _Space]] = {}

    def _atom(self, key: tuple) -> int:
        return self._atoms.setdefault(key, len(self._atoms))

    def _vector(self, c: Cell) -> dict[int, Fraction]:
        family = FAMILY.get(c.table, c.table)
        category = "" if family == "total" else c.category
        first = bisect_left(self._bounds, c.start)
        last = bisect_left(self._bounds, c.end + dt.timedelta(days=1))
        return {self._atom((family, category, seg)): Fraction(1) for seg in self._bounds[first:last]}

    def component(self, index: int) -> int:
        return self._find(next(iter(self.vectors[index])))

    def space(self, comp: int, published: list[bool], values: list[int | None]) -> _Space:
        """The span of what is known in one component. Sources: -1 - k for structural row k, the cell's
        index for a published cell (a published 0 adds each of its atoms, under the same index)."""
        members = tuple(i for i, vec in enumerate(self.vectors) if published[i] and self.component(i) == comp)
        cached = self._cache.get(comp)
        if cached and cached[0] == members:
            return cached[1]
        sp = _Space()
        for k, row in enumerate(self.structural):
            if self._find(next(iter(row))) == comp:
                sp.add(row, -1 - k)
        for i in members:
            if values[i] == 0:
                for atom in self.vectors[i]:
                    sp.add({atom: Fraction(1)}, i)
            else:
                sp.add(self.vectors[i], i)
        self._cache[comp] = (members, sp)
        return sp

    def exposed(self, published: list[bool], values: list[int | None]) -> dict[int, dict[int, Fraction]]:
        """Suppressed cells whose value follows from the published ones -> how (source -> coefficient)."""
        out = {}
        for i, vec in enumerate(self.vectors):
            if not published[i]:
                how = self.space(self.component(i), published, values).derivation(vec)
                if how is not None:
                    out[i] = how
        return out


def suppress(new: list[Cell], history: list[Cell], *, partitions: dict[str, str] | None = None) -> list[Cell]:
    """`new` with every count from 1 to SMALL hidden, and enough others that no hidden count (new or
    already published) can be worked out. Raises Exposed when that is impossible (a hidden count would
    follow from earlier reports alone). `partitions` maps a table to the total table its categories add
    up to (default: the public report's, PARTITIONS of "total"); a total table's category is ""."""
    cells = [*history, *new]
    system = System(cells, partitions)
    first_new = len(history)
    published = [c.value is not None for c in history] + [not 1 <= c.value <= SMALL for c in new]
    values = [c.value for c in history] + [c.value for c in new]
    while True:
        exposed = system.exposed(published, values)
        if not exposed:
            break
        target, how = min(exposed.items())
        # Hide one of the new cells the derivation used: the smallest, preferring the target's own table.
        used = [i for i in how if i >= first_new and published[i] and values[i]]
        if not used:
            raise Exposed()
        pick = min(used, key=lambda i: (cells[i].table != cells[target].table, values[i], i))
        published[pick] = False
    return [dataclasses.replace(c, value=c.value if published[first_new + k] else None)
            for k, c in enumerate(new)]
