"""WGS84 points → H3 cells for whole arrays at once, equal to h3's `latlng_to_cell`.

h3-py (v4) converts one point per call (~1.5 µs), which dominates bulk work needing four
resolutions per point. This module computes the same cells on numpy arrays, following the H3
reference algorithm: nearest icosahedron face, gnomonic projection to the face's hex 2D plane,
nearest hexagon of the resolution's lattice, then aperture-7 steps up to the base cell that
give the index digits. The tests compare it with h3 on random points worldwide and in Paris;
floating-point rounding may differ from the library's in the last bits, which could only matter
for a point within about 1e-10 cell widths of a cell edge.

Only the grid constants below come from the H3 specification (reference implementation,
Apache-2.0). Which base cell a (face, res-0 position) pair is, and how many 60° turns lead to
that base cell's orientation, is asked of h3 itself the first time such a pair is met
(`_calibrate`). Points in the 12 pentagonal base cells (none near Paris) are handed to h3 one by
one, because pentagons need special digit rotations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import h3.api.basic_int as h3i
import numpy as np

M_PI_180 = 0.0174532925199432957692369076848861271111
M_SQRT7 = 2.6457513110645905905016157536392604257102
M_RSIN60 = 1.1547005383792515290182975610039149112953
M_AP7_ROT_RADS = 0.333473172251832115336090755351601070065900389
INV_RES0_U_GNOMONIC = 2.61803398874989588842
MAX_RESOLUTION = 15

# Icosahedron face centres (unit vectors) and the azimuth of each face's i axis (class II).
FACE_CENTERS = np.array(
    [
        [0.2199307791404606, 0.6583691780274996, 0.7198475378926182],
        [-0.2139234834501421, 0.1478171829550703, 0.9656017935214205],
        [0.1092625278784797, -0.4811951572873210, 0.8697775121287253],
        [0.7428567301586791, -0.3593941678278028, 0.5648005936517033],
        [0.8112534709140969, 0.3448953237639384, 0.4721387736413930],
        [-0.1055498149613921, 0.9794457296411413, 0.1718874610009365],
        [-0.8075407579970092, 0.1533552485898818, 0.5695261994882688],
        [-0.2846148069787907, -0.8644080972654206, 0.4144792552473539],
        [0.7405621473854482, -0.6673299564565524, -0.0789837646326737],
        [0.8512303986474293, 0.4722343788582681, -0.2289137388687808],
        [-0.7405621473854481, 0.6673299564565524, 0.0789837646326737],
        [-0.8512303986474292, -0.4722343788582682, 0.2289137388687808],
        [0.1055498149613919, -0.9794457296411413, -0.1718874610009365],
        [0.8075407579970092, -0.1533552485898819, -0.5695261994882688],
        [0.2846148069787908, 0.8644080972654204, -0.4144792552473539],
        [-0.7428567301586791, 0.3593941678278027, -0.5648005936517033],
        [-0.8112534709140971, -0.3448953237639382, -0.4721387736413930],
        [-0.2199307791404607, -0.6583691780274996, -0.7198475378926182],
        [0.2139234834501420, -0.1478171829550704, -0.9656017935214205],
        [-0.1092625278784796, 0.4811951572873210, -0.8697775121287253],
    ]
)
FACE_I_AXIS_AZIMUTHS = np.array(
    [
        5.619958268523939882,
        5.760339081714187279,
        0.780213654393430055,
        0.430469363979999913,
        6.130269123335111400,
        2.692877706530642877,
        2.982963003477243874,
        3.532912002790141181,
        3.494305004259568154,
        3.003214169499538391,
        5.930472956509811562,
        0.138378484090254847,
        0.448714947059150361,
        0.158629650112549365,
        5.891865957979238535,
        2.711123289609793325,
        3.294508837434268316,
        3.804819692245439833,
        3.664438879055192436,
        2.361378999196363184,
    ]
)

# Points are processed in slices small enough for their temporaries to stay in CPU cache.
CHUNK = 16384
# Up to this many points, h3 itself, one call per point and resolution, is quicker than the
# arrays' set-up (one intake: 4 cells in ~10 µs instead of ~200 µs).
FEW_POINTS = 8
# Where a point's dot products with two face centres differ by less than this, the face is
# chosen by the library's exact scan rather than by the fast test.
FACE_TIE_MARGIN = 1e-9


def _tangent_basis() -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors pointing north and east in the tangent plane at each face centre."""
    pole = np.array([0.0, 0.0, 1.0])
    north = pole - FACE_CENTERS[:, 2:3] * FACE_CENTERS
    north /= np.linalg.norm(north, axis=1, keepdims=True)
    return north, np.cross(north, FACE_CENTERS)


_NORTH, _EAST = _tangent_basis()
# A face is the nearest one exactly when it is nearer than the three faces sharing its edges,
# which are the three nearest other face centres.
_EDGE_NEIGHBOURS = np.argsort(-(FACE_CENTERS @ FACE_CENTERS.T), axis=1)[:, 1:4]


# --- Projection: point → face → hex 2D plane → lattice ------------------------------------------


def _scan_faces(x, y, z) -> np.ndarray:
    """The library's nearest-face scan (first minimum of squared distances)."""
    best = np.full(x.shape, 5.0)
    face = np.zeros(x.shape, dtype=np.int64)
    for f, (fx, fy, fz) in enumerate(FACE_CENTERS.tolist()):
        dx, dy, dz = fx - x, fy - y, fz - z
        sqd = dx * dx + dy * dy + dz * dz
        nearer = sqd < best
        best[nearer] = sqd[nearer]
        face[nearer] = f
    return face


def _closest_face(x, y, z) -> np.ndarray:
    """Nearest face of each point: the first point's face is tried for all (the points of a
    city share it), and only the points it does not clearly hold are scanned."""
    guess = int(np.argmax(FACE_CENTERS @ [x[0], y[0], z[0]]))
    held = np.ones(x.shape, dtype=bool)
    for other in _EDGE_NEIGHBOURS[guess].tolist():
        dx, dy, dz = (FACE_CENTERS[guess] - FACE_CENTERS[other]).tolist()
        held &= x * dx + y * dy + z * dz > FACE_TIE_MARGIN
    face = np.full(x.shape, guess, dtype=np.int64)
    if not held.all():
        idx = np.flatnonzero(~held)
        face[idx] = _scan_faces(x[idx], y[idx], z[idx])
    return face


_forms_cache: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}


def _lattice_forms(face: int, resolutions: tuple[int, ...]) -> np.ndarray:
    """Rows (a, b, c) per resolution: linear forms of p / (p·centre) locating the hexagon.

    The library projects a point p of the face gnomonically on the tangent plane at the face
    centre c: radius tan(r) and angle θ = (azimuth of the face's i axis) − (azimuth of p), less
    the aperture-7 angle at class III (odd) resolutions, scaled by √7 per resolution. With n
    and e the plane's north and east, tan(r)·cos(azimuth) = p·n / p·c and tan(r)·sin(azimuth)
    = p·e / p·c, so expanding cos θ and sin θ makes the hex 2D coordinates (x, y) linear in
    p / p·c: no trigonometry per point. `_hexagon` then needs a = 2x, b = √3·y − x and
    c = √3·y + x, the coordinates across the three families of lines through the hexagons'
    vertices. Results equal the library's up to the last bits of rounding.
    """
    forms = _forms_cache.get((face, resolutions))
    if forms is None:
        rows = []
        for res in resolutions:
            angle = FACE_I_AXIS_AZIMUTHS[face] - (M_AP7_ROT_RADS if res % 2 else 0.0)
            scale = INV_RES0_U_GNOMONIC * M_SQRT7**res
            north, east = _NORTH[face], _EAST[face]
            x = scale * (np.cos(angle) * north + np.sin(angle) * east)
            y = scale * (np.sin(angle) * north - np.cos(angle) * east)
            rows += [2 * x, np.sqrt(3) * y - x, np.sqrt(3) * y + x]
        forms = _forms_cache[face, resolutions] = np.array(rows)
    return forms


def _hexagon(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Axial (I, J) = (i − k, j − k) coordinates of the hexagon holding each point.

    The lines a, b, c ∈ ℤ cut every hexagon into six triangles, so the floors of a, b, c tell
    the triangle and thereby the hexagon (C. Chambers' method): I = ⌊(⌊a⌋ + ⌊c⌋ + 2) / 3⌋,
    J = ⌊(⌊b⌋ + ⌊c⌋ + 2) / 3⌋. The sums are integers; adding ½ before multiplying by ⅓ keeps
    the floor exact despite the rounding of ⅓.
    """
    fc = np.floor(c)
    fc += 2.5
    i = np.floor(a)
    i += fc
    i *= 1 / 3
    j = np.floor(b)
    j += fc
    j *= 1 / 3
    return np.floor(i).astype(np.int32), np.floor(j).astype(np.int32)


# --- Hierarchy: aperture-7 steps from a cell to its index parent --------------------------------
#
# One step up maps a child to the parent whose centre is nearest after the aperture-7 transform
# (counter-clockwise from odd levels, clockwise from even ones); the child's offset from that
# centre is one of the 7 digit vectors, told by its coset f = (I + 2J + 3) mod 7 (ccw) or
# (2I + J + 3) mod 7 (cw).
_DIGIT_VECTORS = {0: (0, 0), 1: (-1, -1), 2: (0, 1), 3: (-1, 0), 4: (1, 0), 5: (0, -1), 6: (1, 1)}
_COSET_DIGIT = {ccw: [0] * 7 for ccw in (True, False)}
for _digit, (_di, _dj) in _DIGIT_VECTORS.items():
    _COSET_DIGIT[True][(_di + 2 * _dj + 3) % 7] = _digit
    _COSET_DIGIT[False][(2 * _di + _dj + 3) % 7] = _digit
_CCW = {0: 0, 1: 5, 5: 4, 4: 6, 6: 2, 2: 3, 3: 1}


def _rotated(digit: int, turns: int) -> int:
    for _ in range(turns):
        digit = _CCW[digit]
    return digit


def _step(i, j, ccw: bool):
    """One level up: parent coordinates and the child's coset (on ints or int arrays)."""
    if ccw:
        t = i + 2 * j + 3
        q = t // 7
        return (3 * i - j + 3) // 7, q, t - 7 * q
    t = 2 * i + j + 3
    q = t // 7
    return q, (3 * j - i + 3) // 7, t - 7 * q


class _Jump:
    """Four levels up at once. Two steps (one of each kind) multiply coordinates by 7, so the
    digits of four steps and the parent depend only on (I mod 49, J mod 49): they are tabulated
    by running the single step on every residue."""

    SIZE = 4
    MODULUS = 49

    def __init__(self, ccw_first: bool):
        m = self.MODULUS
        i0, j0 = np.divmod(np.arange(m * m, dtype=np.int64), m)
        i, j = i0, j0
        digits = []
        ccw = ccw_first
        for _ in range(self.SIZE):
            i, j, coset = _step(i, j, ccw)
            digits.append(np.array(_COSET_DIGIT[ccw])[coset])
            ccw = not ccw
        self.offset_i = (i0 - m * i).astype(np.int32)
        self.offset_j = (j0 - m * j).astype(np.int32)
        self.digits = np.stack(digits, axis=1)  # residue → digits before rotation, top level first

    def up(self, i, j):
        m = self.MODULUS
        qi, qj = i // m, j // m
        residue = (i - m * qi) * m + (j - m * qj)
        return (
            (i - self.offset_i.take(residue)) // m,
            (j - self.offset_j.take(residue)) // m,
            residue,
        )


_JUMPS = {ccw: _Jump(ccw) for ccw in (True, False)}


def _walk_up(i: np.ndarray, j: np.ndarray, res: int, keep: Iterable[int] = ()):
    """From `res` to the base cell: single steps down to the lowest level to `keep` (whose
    positions are returned), then 4-level jumps while they fit, then single steps.

    Returns the moves [(level, size, residue)], the res-0 position and the kept positions.
    """
    moves, kept = [], {}
    level = res
    lowest = min(keep, default=res)
    while level > 0:
        if level in keep:
            kept[level] = (i, j)
        ccw = level % 2 == 1
        if level > lowest or level < _Jump.SIZE:
            i, j, residue = _step(i, j, ccw)
            size = 1
        else:
            i, j, residue = _JUMPS[ccw].up(i, j)
            size = _Jump.SIZE
        moves.append((level, size, residue))
        level -= size
    if 0 in keep:
        kept[0] = (i, j)
    return moves, i, j, kept


def _unrotated_digits(moves, k: int) -> list[int]:
    """Point k's digits before rotation, level 1 first (for calibration)."""
    digits = []
    for level, size, residue in moves:
        ccw = level % 2 == 1
        if size == 1:
            digits.append(_COSET_DIGIT[ccw][int(residue[k])])
        else:
            digits.extend(int(d) for d in _JUMPS[ccw].digits[int(residue[k])])
    return digits[::-1]


_bits_cache: dict[tuple[int, int, int], np.ndarray] = {}


def _digit_bits(level: int, size: int, turns: int) -> np.ndarray:
    """residue → the move's digits turned `turns` × 60° ccw and shifted to their place."""
    table = _bits_cache.get((level, size, turns))
    if table is None:
        ccw = level % 2 == 1
        digits = np.array(_COSET_DIGIT[ccw])[:, None] if size == 1 else _JUMPS[ccw].digits
        rotate = np.array([_rotated(d, turns) for d in range(7)])
        shifts = np.array([3 * (MAX_RESOLUTION - (level - k)) for k in range(size)], dtype=np.int64)
        table = _bits_cache[level, size, turns] = (rotate[digits] << shifts).sum(axis=1)
    return table


def _header(res: int) -> int:
    """Cell mode, resolution, and the unused digits set to 7."""
    return (1 << 59) | (res << 52) | ((1 << (3 * (MAX_RESOLUTION - res))) - 1)


def _parents(cells: np.ndarray, res: int) -> np.ndarray:
    """Index parents at `res` of cells of a finer resolution (0 stays 0)."""
    keep = ~((15 << 52) | ((1 << (3 * (MAX_RESOLUTION - res))) - 1))
    return ((cells & keep) | _header(res)) * (cells != 0)


# --- Base cells, learnt from h3 ----------------------------------------------------------------
#
# A base-cell position is keyed face * 27 + 9i + 3j + k (normalised res-0 ijk, each 0..2).
_base_cell = np.full(20 * 27, -1, dtype=np.int64)  # -1: not learnt yet
_rotations = np.zeros(20 * 27, dtype=np.int64)
_pentagonal = np.zeros(20 * 27, dtype=bool)
_calibration_lock = threading.Lock()
_PENTAGON_BASE_CELLS = frozenset(h3i.get_base_cell_number(c) for c in h3i.get_pentagons(0))


def _keys(face: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    m = np.minimum(np.minimum(i, j), 0)
    i, j, k = i - m, j - m, -m
    keys = face * 27 + i * 9 + j * 3 + k
    keys[np.maximum(np.maximum(i, j), k) > 2] = -1  # off the face: not for a valid point
    return keys


def _calibrate(keys, moves, res, lats, lons) -> None:
    """Learn the base cell and rotation of keys not met yet, each from one h3 call."""
    for key in np.unique(keys[(keys >= 0) & (_base_cell[np.maximum(keys, 0)] < 0)]).tolist():
        for k in np.flatnonzero(keys == key)[:64].tolist():
            reference = h3i.latlng_to_cell(float(lats[k]), float(lons[k]), res)
            base_cell = h3i.get_base_cell_number(reference)
            if base_cell in _PENTAGON_BASE_CELLS:
                with _calibration_lock:  # the base cell goes last: it marks the key as learnt
                    _pentagonal[key] = True
                    _base_cell[key] = base_cell
                break
            ours = _unrotated_digits(moves, k)
            theirs = [(reference >> (3 * (MAX_RESOLUTION - lv))) & 7 for lv in range(1, res + 1)]
            if not any(ours):
                continue  # an all-centre index does not show the rotation: try another point
            turns = [t for t in range(6) if [_rotated(d, t) for d in ours] == theirs]
            if len(turns) != 1:
                raise RuntimeError(f"vectorised H3 disagrees with h3 (key {key})")
            with _calibration_lock:
                _rotations[key] = turns[0]
                _base_cell[key] = base_cell
            break


def _encode(face: int, i, j, res: int, lats, lons, keep: Iterable[int] = ()):
    """Cells at `res` of lattice positions on `face`, 0 where h3 must be asked directly;
    and the positions of the `keep` levels the walk went through."""
    moves, bi, bj, kept = _walk_up(i, j, res, keep)
    if (bi == bi[0]).all() and (bj == bj[0]).all():  # one base cell: a city
        keys = _keys(face, bi[:1], bj[:1])
        key = int(keys[0])
        if key >= 0 and _base_cell[key] < 0:
            _calibrate(np.full(bi.size, key), moves, res, lats, lons)
        if key < 0 or _base_cell[key] < 0 or _pentagonal[key]:
            return np.zeros(bi.size, dtype=np.int64), kept
        turns = int(_rotations[key])
        cells = np.full(bi.size, _header(res) | (int(_base_cell[key]) << 45), dtype=np.int64)
        for level, size, residue in moves:
            cells |= _digit_bits(level, size, turns).take(residue)
        return cells, kept
    keys = _keys(face, bi, bj)
    safe = np.maximum(keys, 0)
    if (_base_cell.take(safe) < 0).any():
        _calibrate(keys, moves, res, lats, lons)
    base_cell = _base_cell.take(safe)
    turns = _rotations.take(safe)
    cells = np.int64(_header(res)) | (base_cell << 45)
    for level, size, residue in moves:
        tables = np.concatenate([_digit_bits(level, size, t) for t in range(6)])
        cells |= tables.take(turns * (7 if size == 1 else _Jump.MODULUS**2) + residue)
    cells[(keys < 0) | _pentagonal.take(safe) | (base_cell < 0)] = 0
    return cells, kept


# --- Putting it together -----------------------------------------------------------------------


def _face_cells(face: int, x, y, z, resolutions, lats, lons, out) -> None:
    """Cells of points that all lie on `face`, written into `out[res]`.

    The finest resolution is walked up in full. A coarser cell is the index parent of the
    finest one wherever the point's own position at that resolution is the one the walk went
    through; only the others (points near a cell edge, ~7 %) are walked again.
    """
    inv_cos = 1.0 / (FACE_CENTERS[face] @ np.stack([x, y, z]))
    gnomonic = np.stack([x * inv_cos, y * inv_cos, z * inv_cos])
    forms = _lattice_forms(face, tuple(resolutions)) @ gnomonic
    rows = {res: 3 * k for k, res in enumerate(resolutions)}

    def position(res):
        return _hexagon(*forms[rows[res] : rows[res] + 3])

    finest, *coarser = resolutions
    cells, kept = _encode(face, *position(finest), finest, lats, lons, keep=coarser)
    out[finest][:] = cells
    for res in coarser:
        i, j = position(res)
        walked_i, walked_j = kept[res]
        own = np.flatnonzero((i != walked_i) | (j != walked_j))
        target = out[res]
        target[:] = _parents(cells, res)
        if own.size:
            target[own] = _encode(face, i[own], j[own], res, lats[own], lons[own])[0]


def _chunk(lats: np.ndarray, lons: np.ndarray, resolutions: list[int], out) -> None:
    la = lats * M_PI_180
    lo = lons * M_PI_180
    r = np.cos(la)
    x = np.cos(lo) * r
    y = np.sin(lo) * r
    z = np.sin(la)
    face = _closest_face(x, y, z)
    if (face == face[0]).all():
        _face_cells(int(face[0]), x, y, z, resolutions, lats, lons, out)
    else:
        for f in np.unique(face).tolist():
            sel = np.flatnonzero(face == f)
            part = {res: np.empty(sel.size, dtype=np.int64) for res in resolutions}
            _face_cells(f, x[sel], y[sel], z[sel], resolutions, lats[sel], lons[sel], part)
            for res in resolutions:
                out[res][sel] = part[res]
    # Pentagonal base cells: one h3 call per point.
    for res in resolutions:
        for k in np.flatnonzero(out[res] == 0).tolist():
            out[res][k] = h3i.latlng_to_cell(float(lats[k]), float(lons[k]), res)


def latlng_to_cells(lats, lons, resolutions: Iterable[int]) -> dict[int, np.ndarray]:
    """H3 cell of every point at each resolution, as int64 arrays (0 for an invalid point).

    A point is invalid when a coordinate is not a finite number or is out of range
    (|lat| > 90, |lon| > 180; h3 would wrap such longitudes, we refuse them).
    """
    lats = np.ascontiguousarray(lats, dtype=float).ravel()
    lons = np.ascontiguousarray(lons, dtype=float).ravel()
    if lats.shape != lons.shape:
        raise ValueError("lats and lons must have the same length")
    resolutions = sorted({int(r) for r in resolutions}, reverse=True)
    if any(r < 0 or r > MAX_RESOLUTION for r in resolutions):
        raise ValueError(f"H3 resolutions are 0..{MAX_RESOLUTION}")
    out = {res: np.zeros(lats.size, dtype=np.int64) for res in resolutions}
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(lats) & np.isfinite(lons) & (np.abs(lats) <= 90) & (np.abs(lons) <= 180)
    if not resolutions or not valid.any():
        return out
    if lats.size <= FEW_POINTS:
        for k in np.flatnonzero(valid).tolist():
            lat, lon = float(lats[k]), float(lons[k])
            for res in resolutions:
                out[res][k] = h3i.latlng_to_cell(lat, lon, res)
        return out
    if valid.all():  # work in place on slices of the inputs and outputs
        for start in range(0, lats.size, CHUNK):
            part = slice(start, start + CHUNK)
            _chunk(
                lats[part], lons[part], resolutions, {res: out[res][part] for res in resolutions}
            )
        return out
    idx = np.flatnonzero(valid)
    found = latlng_to_cells(lats[idx], lons[idx], resolutions)
    for res in resolutions:
        out[res][idx] = found[res]
    return out
