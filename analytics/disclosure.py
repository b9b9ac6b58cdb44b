"""Statistical disclosure control for published tables: primary and complementary
suppression, and a generic check that no hidden cell can be recomputed (no Django import).

A published table is a vector of cells (interior counts and the totals published with
them) plus its additive relations, "lines": `total = sum(members)`. Small counts are
hidden (primary suppression); then, since a line with a single hidden member gives it
away by subtraction, more cells are hidden (complementary suppression) until no hidden
cell is determined by the published values. The check is exact linear algebra — a hidden
cell is recoverable when its unit vector lies in the row space of the relations restricted
to hidden cells — so it also catches cells recovered through chains of several lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

THRESHOLD = 5
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Line:
    """An additive relation: `values[total] == sum(values[members])`."""

    total: int
    members: tuple[int, ...]

    @property
    def cells(self) -> tuple[int, ...]:
        return (self.total, *self.members)


def relation_matrix(n_cells: int, lines: Sequence[Line]) -> np.ndarray:
    """One row per line, `+1` on members and `-1` on the total: rows @ values == 0."""
    matrix = np.zeros((len(lines), n_cells))
    for row, line in enumerate(lines):
        matrix[row, list(line.members)] = 1.0
        matrix[row, line.total] = -1.0
    return matrix


def recoverable(values, hidden, lines: Sequence[Line]) -> np.ndarray:
    """Indices of hidden cells whose value follows from the published ones and the lines.

    Hidden values h satisfy `A_h h = -A_p p`: cell j is determined iff the unit vector e_j
    lies in the row space of `A_h`, i.e. its projection on that space (spanned by the
    right singular vectors) has norm 1. One small eigen-decomposition per connected group
    of hidden cells (cells linked through shared lines): independent tables, independent
    checks.
    """
    hidden = np.asarray(hidden, dtype=bool)
    hidden_idx = np.flatnonzero(hidden)
    if hidden_idx.size == 0:
        return np.zeros(0, dtype=np.intp)
    sub = _hidden_relations(hidden, lines)
    links = abs(sub).T @ abs(sub)
    _count, labels = connected_components(links, directed=False)
    groups = np.split(np.argsort(labels, kind="stable"), np.cumsum(np.bincount(labels))[:-1])
    found = []
    for group in groups:
        block = sub[:, group]
        block = block[np.diff(block.indptr) > 0].toarray()
        if block.shape[0] == 0:
            continue  # no published relation touches these cells
        # With A = U S Vᵀ, the eigen-decomposition of the small Gram matrix A Aᵀ = U S² Uᵀ
        # gives Vᵀ e_j = S⁻¹ Uᵀ A e_j without decomposing the wide A itself.
        eigenvalues, vectors = np.linalg.eigh(block @ block.T)
        keep = eigenvalues > _TOLERANCE * max(1.0, eigenvalues.max())
        coordinates = vectors[:, keep].T @ block
        projected = (np.square(coordinates) / eigenvalues[keep, None]).sum(axis=0)
        found.extend(hidden_idx[group[projected > 1 - 1e-6]].tolist())
    return np.array(sorted(found), dtype=np.intp)


def _hidden_relations(hidden: np.ndarray, lines: Sequence[Line]) -> sparse.csr_matrix:
    """The lines touching hidden cells, restricted to them (sparse, one row per line)."""
    column = np.full(hidden.size, -1)
    column[hidden] = np.arange(int(hidden.sum()))
    rows, cols, signs = [], [], []
    row = 0
    for line in lines:
        cells = np.array(line.cells)
        mask = hidden[cells]
        if mask.any():
            rows.extend([row] * int(mask.sum()))
            cols.extend(column[cells[mask]].tolist())
            signs.extend(np.where(np.arange(cells.size) == 0, -1.0, 1.0)[mask].tolist())
            row += 1
    return sparse.csr_matrix((signs, (rows, cols)), shape=(row, int(hidden.sum())))


def suppress(values, lines: Sequence[Line], threshold: int = THRESHOLD) -> np.ndarray:
    """The hidden mask: every count below `threshold`, then complementary cells.

    1. Primary: cells (interior or total) with a count below the threshold (zeros too).
    2. Complementary, until stable: a line with exactly one hidden cell gets its smallest
       published cell hidden as well.
    3. Until `recoverable` finds nothing: for a cell still determined through a chain of
       lines, the smallest published cell of one of its lines is hidden too.
    Every step only adds hidden cells, so it ends; small cells go first, so as little
    information as possible is lost.
    """
    values = np.asarray(values, dtype=float)
    hidden = values < threshold
    if hidden.all():  # e.g. a month without complaints: nothing is published
        return hidden
    membership = (relation_matrix(values.size, lines) != 0).astype(np.int64)
    while True:
        while True:
            alone = np.flatnonzero(membership @ hidden.astype(np.int64) == 1)
            if alone.size == 0:
                break
            for line in alone:
                _hide_smallest(values, hidden, np.flatnonzero(membership[line]))
        leaks = recoverable(values, hidden, lines)
        if leaks.size == 0:
            return hidden
        for leak in leaks:
            candidates = [
                cells
                for cells in (np.flatnonzero(row) for row in membership[membership[:, leak] > 0])
                if (~hidden[cells]).any()
            ]
            if not candidates:  # all its lines are hidden, yet it is determined
                raise RuntimeError("suppression cannot protect this table")
            best = min(candidates, key=lambda c: values[c][~hidden[c]].min())
            _hide_smallest(values, hidden, best)


def _hide_smallest(values: np.ndarray, hidden: np.ndarray, cells: np.ndarray) -> None:
    """Hide the smallest published cell among `cells` (the first one on ties)."""
    published = cells[~hidden[cells]]
    if published.size:
        hidden[published[np.argmin(values[published])]] = True


def two_way_table(matrix) -> tuple[np.ndarray, list[Line], dict]:
    """Cells and lines of an R × C table published with its row, column and grand totals.

    Returns the flat values (interior row-major, then the R row totals, the C column
    totals and the grand total), the lines, and index helpers `{"row_total": [...],
    "column_total": [...], "grand_total": i}`.
    """
    matrix = np.asarray(matrix, dtype=float)
    r, c = matrix.shape
    interior = matrix.ravel()
    row_totals = matrix.sum(axis=1)
    column_totals = matrix.sum(axis=0)
    values = np.concatenate([interior, row_totals, column_totals, [matrix.sum()]])
    row_total = list(range(r * c, r * c + r))
    column_total = list(range(r * c + r, r * c + r + c))
    grand = r * c + r + c
    lines = [Line(row_total[i], tuple(range(i * c, (i + 1) * c))) for i in range(r)]
    lines += [Line(column_total[j], tuple(range(j, r * c, c))) for j in range(c)]
    lines.append(Line(grand, tuple(row_total)))
    lines.append(Line(grand, tuple(column_total)))
    return (
        values,
        lines,
        {"row_total": row_total, "column_total": column_total, "grand_total": grand},
    )
