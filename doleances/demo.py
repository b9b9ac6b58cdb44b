"""A realistic, deterministic generator of demo complaints (doléances).

`generate` is a pure function over numpy arrays: given a seed it always yields the same
complaints, fast enough for benchmarks (millions of rows in seconds) and without touching the
database. Its realism comes from public data read at run time, never copied into the code:

- volumes by arrondissement follow the real DansMaRue 2020 export (`by_arrondissement` in
  `events/dansmarue_2020_aggregates.json`), blended with the INSEE legal populations for
  security and nightlife categories, which residents report wherever they live;
- points are drawn inside the arrondissement, around fixed hotspots per kind of nuisance
  (Gaussian clusters) mixed with a background proportional to the IRIS grid, i.e. roughly to
  where people live (the two Bois have no IRIS);
- each category has its own rhythm (hour, day of the week, season, special nights such as the
  Fête de la musique) and a slight upward trend.

Those tables and the calibration from public data are read in `doleances.demo_profiles`.
`complaint_inputs` turns rows of the arrays into `ComplaintInput`s for the intake service; the
`cpps demo` command files them through `doleances.bulk.file_complaints`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
import shapely

from doleances.choices import Channel, Status
from doleances.demo_profiles import (
    ARRONDISSEMENTS,
    CATEGORY_PROFILES,
    CHANNEL_MIXES,
    CONTACT_SHARE,
    DEFAULT_DESCRIPTIONS,
    DEFAULT_PROFILE,
    DEMO_FIRST_NAMES,
    DESCRIPTIONS,
    HOTSPOTS,
    PLACE_MIXES,
    TIME_PROFILES,
    Calibration,
    CategoryProfile,
    Hotspot,
    load_calibration,
)

if TYPE_CHECKING:
    from doleances.services import ComplaintInput

PARIS_TZ = ZoneInfo("Europe/Paris")
METRES_PER_DEGREE_LAT = 111_320.0
# Night hours start a new "activity day" at 6 a.m.: 2 a.m. on a Saturday belongs to Friday night.
NIGHT_SHIFT_HOURS = 6
YEARLY_GROWTH = 0.06
DEMO_SOURCE = "demo"

CHANNELS = (
    Channel.WEB.value,
    Channel.DANSMARUE.value,
    Channel.PHONE_3975.value,
    Channel.TOTEM.value,
    Channel.COMMISSARIAT.value,
    Channel.API.value,
)
STATUSES = tuple(Status.values)


# --- Sampling helpers ----------------------------------------------------------------------------


def _row_cdf(weights: np.ndarray) -> np.ndarray:
    """Row-wise cumulative distributions; an all-zero row stays all zero."""
    weights = np.asarray(weights, dtype=float)
    totals = weights.sum(axis=1, keepdims=True)
    cdf = np.cumsum(weights, axis=1) / np.where(totals > 0, totals, 1.0)
    cdf[totals[:, 0] > 0, -1] = 1.0
    return cdf


def _sample_rows(cdf: np.ndarray, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each i, a column drawn from the distribution of row `rows[i]` using uniform `u[i]`.

    One searchsorted over the rows laid end to end (row r spans the values r..r+1) instead of
    a loop over rows or an n × columns matrix.
    """
    width = cdf.shape[1]
    flat = (np.arange(cdf.shape[0])[:, None] + cdf).ravel()
    position = np.searchsorted(flat, rows + u, side="right")
    return np.minimum(position - rows * width, width - 1)


def _descriptions(code: str) -> tuple[str, ...]:
    return DESCRIPTIONS.get(code, DEFAULT_DESCRIPTIONS)


def _category_profiles(categories: Sequence[str]) -> list[CategoryProfile]:
    return [CATEGORY_PROFILES.get(code, DEFAULT_PROFILE) for code in categories]


def _arrondissement_matrix(profiles: list[CategoryProfile], calibration: Calibration) -> np.ndarray:
    """P(arrondissement | category), categories × 20."""
    rows = []
    for profile in profiles:
        mix = PLACE_MIXES[profile.place]
        share = (
            mix.dansmarue * calibration.dansmarue_share
            + (1 - mix.dansmarue) * calibration.population_share
        )
        boost = np.ones(ARRONDISSEMENTS)
        for number, factor in mix.boost:
            boost[number - 1] = factor
        rows.append(share * boost / (share * boost).sum())
    return np.array(rows)


def default_categories() -> tuple[str, ...]:
    return tuple(CATEGORY_PROFILES)


def category_weights(categories: Sequence[str]) -> np.ndarray:
    weights = np.array([p.weight for p in _category_profiles(categories)])
    return weights / weights.sum()


def expected_arrondissement_shares(
    categories: Sequence[str] | None = None, calibration: Calibration | None = None
) -> np.ndarray:
    """The share of each arrondissement (index number - 1) the generator aims at."""
    categories = tuple(categories or default_categories())
    calibration = calibration or load_calibration()
    matrix = _arrondissement_matrix(_category_profiles(categories), calibration)
    return category_weights(categories) @ matrix


# --- Time ----------------------------------------------------------------------------------------


def _paris_midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=PARIS_TZ).timestamp())


def _hour_weights(hour_starts: np.ndarray, start_epoch: int) -> np.ndarray:
    """Weights of each hour of the period under each time profile (profiles × hours)."""
    local_hour = np.empty(len(hour_starts), dtype=np.int64)
    weekday = np.empty_like(local_hour)
    month = np.empty_like(local_hour)
    day = np.empty_like(local_hour)
    shift = timedelta(hours=NIGHT_SHIFT_HOURS)
    for i, epoch in enumerate(hour_starts.tolist()):
        local = datetime.fromtimestamp(epoch, PARIS_TZ)
        activity = local - shift
        local_hour[i] = local.hour
        weekday[i], month[i], day[i] = activity.weekday(), activity.month, activity.day
    years = (hour_starts - start_epoch) / (365.25 * 86400)
    trend = (1 + YEARLY_GROWTH) ** years
    rows = []
    for profile in TIME_PROFILES.values():
        weights = (
            np.asarray(profile.hours)[local_hour]
            * np.asarray(profile.days)[weekday]
            * np.asarray(profile.months)[month - 1]
            * trend
        )
        for special_month, special_day, factor in profile.special:
            weights[(month == special_month) & (day == special_day)] *= factor
        rows.append(weights)
    return np.array(rows)


# --- The generator -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoArrays:
    """Generated complaints as aligned arrays; codes index the tuples alongside."""

    latitude: np.ndarray  # float64, WGS84
    longitude: np.ndarray  # float64
    arrondissement: np.ndarray  # int8, 1..20
    occurred_at: np.ndarray  # datetime64[s], UTC
    received_at: np.ndarray  # datetime64[s], UTC
    category: np.ndarray  # int16, index into `categories`
    channel: np.ndarray  # int8, index into `channels`
    status: np.ndarray  # int8, index into `statuses`
    text: np.ndarray  # int8, which description template of the category
    with_contact: np.ndarray  # bool: leaves (fictitious) contact details
    categories: tuple[str, ...]
    channels: tuple[str, ...] = CHANNELS
    statuses: tuple[str, ...] = STATUSES

    def __len__(self) -> int:
        return len(self.latitude)

    def description(self, i: int) -> str:
        texts = _descriptions(self.categories[self.category[i]])
        return texts[int(self.text[i]) % len(texts)]


# Status spread by age of the complaint at the end of the period (days): recent ones are new,
# old ones answered or closed. Columns follow STATUSES (new, qualified, assigned, in_progress,
# answered, closed).
STATUS_AGE_LIMITS = (2, 10, 45)
STATUS_BY_AGE = (
    (0.85, 0.10, 0.05, 0.00, 0.00, 0.00),
    (0.15, 0.15, 0.30, 0.30, 0.10, 0.00),
    (0.03, 0.02, 0.10, 0.20, 0.35, 0.30),
    (0.00, 0.00, 0.00, 0.02, 0.18, 0.80),
)
# Delay between the facts and the report: median about 20 minutes, at most about a day.
DELAY_MEDIAN_S = 1200
DELAY_SIGMA = 1.5
DELAY_MAX_S = 26 * 3600
HOTSPOT_ROUNDS = 8
BACKGROUND_ROUNDS = 200
POINT_CHUNK = 1_000_000


def generate(
    n: int,
    *,
    seed: int = 2026,
    start: date = date(2024, 1, 1),
    end: date | None = None,
    categories: Sequence[str] | None = None,
    calibration: Calibration | None = None,
) -> DemoArrays:
    """`n` complaints that occurred from `start` (00:00, Paris) until `end` (excluded; today
    by default), for the given category codes (all the Paris taxonomy by default).

    Deterministic: the same arguments always give the same arrays.
    """
    end = end or datetime.now(PARIS_TZ).date()
    if end <= start:
        raise ValueError("end must be after start")
    categories = tuple(categories or default_categories())
    calibration = calibration or load_calibration()
    profiles = _category_profiles(categories)
    rng = np.random.default_rng(seed)

    category = rng.choice(len(categories), size=n, p=category_weights(categories)).astype(np.int16)
    arrondissement = _sample_rows(
        _row_cdf(_arrondissement_matrix(profiles, calibration)), category, rng.random(n)
    )

    occurred, received = _sample_times(n, rng, category, profiles, start, end)

    channel_keys = list(CHANNEL_MIXES)
    channel_mix = np.array([channel_keys.index(p.channels) for p in profiles])[category]
    channel = _sample_rows(
        _row_cdf(np.array(list(CHANNEL_MIXES.values()))), channel_mix, rng.random(n)
    ).astype(np.int8)

    age_days = (_paris_midnight(end) - received) / 86400
    age_group = np.searchsorted(np.array(STATUS_AGE_LIMITS), age_days, side="right")
    status = _sample_rows(_row_cdf(np.array(STATUS_BY_AGE)), age_group, rng.random(n))

    contact_share = np.array([CONTACT_SHARE[c] for c in CHANNELS])
    with_contact = rng.random(n) < contact_share[channel]
    text_count = np.array([len(_descriptions(code)) for code in categories])
    text = np.floor(rng.random(n) * text_count[category]).astype(np.int8)

    # Points are drawn by chunks to bound the memory of the temporary arrays.
    latitude, longitude = np.empty(n), np.empty(n)
    sampler = _PointSampler(profiles, calibration)
    for lo in range(0, n, POINT_CHUNK):
        hi = min(lo + POINT_CHUNK, n)
        latitude[lo:hi], longitude[lo:hi] = sampler.sample(
            rng, category[lo:hi], arrondissement[lo:hi]
        )
    return DemoArrays(
        latitude=latitude,
        longitude=longitude,
        arrondissement=(arrondissement + 1).astype(np.int8),
        occurred_at=occurred.astype("datetime64[s]"),
        received_at=received.astype("datetime64[s]"),
        category=category,
        channel=channel,
        status=status.astype(np.int8),
        text=text,
        with_contact=with_contact,
        categories=categories,
    )


def _sample_times(n, rng, category, profiles, start: date, end: date):
    """Occurrence (epoch seconds) by each category's rhythm, then the report a little later."""
    start_epoch, end_epoch = _paris_midnight(start), _paris_midnight(end)
    hour_starts = np.arange(start_epoch, end_epoch, 3600, dtype=np.int64)
    profile_keys = list(TIME_PROFILES)
    time_profile = np.array([profile_keys.index(p.time) for p in profiles])[category]
    hour = _sample_rows(
        _row_cdf(_hour_weights(hour_starts, start_epoch)), time_profile, rng.random(n)
    )
    occurred = hour_starts[hour] + (rng.random(n) * 3600).astype(np.int64)
    occurred = np.minimum(occurred, end_epoch - 1)
    delay = np.exp(math.log(DELAY_MEDIAN_S) + DELAY_SIGMA * rng.standard_normal(n))
    delay = np.clip(delay, 60, DELAY_MAX_S).astype(np.int64)
    received = np.minimum(occurred + delay, end_epoch - 1)
    return occurred, received


class _PointSampler:
    """Draws points for (category, arrondissement) pairs; the lookup tables are built once."""

    def __init__(self, profiles: list[CategoryProfile], calibration: Calibration):
        self.calibration = calibration
        # Hotspots laid out by (family, arrondissement) row, padded to the longest row.
        families = list(HOTSPOTS)
        rows: list[list[Hotspot]] = [[] for _ in range(len(families) * ARRONDISSEMENTS)]
        for f, family in enumerate(families):
            spots = HOTSPOTS[family]
            lons = [s.longitude for s in spots]
            lats = [s.latitude for s in spots]
            for a in range(ARRONDISSEMENTS):
                inside = shapely.contains_xy(calibration.arrondissements[a], lons, lats)
                rows[f * ARRONDISSEMENTS + a].extend(
                    spot for spot, ok in zip(spots, inside, strict=True) if ok
                )
        width = max(len(r) for r in rows)
        self.hot_lat, self.hot_lon, self.hot_sigma, weight = np.zeros((4, len(rows), width))
        for r, spots in enumerate(rows):
            for k, spot in enumerate(spots):
                self.hot_lat[r, k], self.hot_lon[r, k] = spot.latitude, spot.longitude
                self.hot_sigma[r, k], weight[r, k] = spot.sigma_m, spot.weight
        self.hot_cdf = _row_cdf(weight)
        self.has_hotspots = weight.sum(axis=1) > 0
        self.family = np.array([families.index(p.hotspots) if p.hotspots else -1 for p in profiles])
        self.hotspot_share = np.array([p.hotspot_share for p in profiles])

        # Background cells by arrondissement row. Not weighted by area: IRIS hold similar
        # populations, so an equal chance per IRIS puts the background where people live.
        owner = calibration.cell_arrondissement
        counts = np.bincount(owner, minlength=ARRONDISSEMENTS)
        self.cell_ids = np.zeros((ARRONDISSEMENTS, counts.max()), dtype=np.int64)
        cell_weight = np.zeros((ARRONDISSEMENTS, counts.max()))
        for a in range(ARRONDISSEMENTS):
            ids = np.flatnonzero(owner == a)
            self.cell_ids[a, : len(ids)] = ids
            cell_weight[a, : len(ids)] = calibration.cell_weight[ids]
        self.cell_cdf = _row_cdf(cell_weight)
        self.cell_bounds = shapely.bounds(calibration.cells)

    def sample(self, rng, category: np.ndarray, arrondissement: np.ndarray):
        n = len(category)
        latitude = np.empty(n)
        longitude = np.empty(n)
        family = self.family[category]
        row = family * ARRONDISSEMENTS + arrondissement
        use_hotspot = (family >= 0) & self.has_hotspots[np.maximum(row, 0)]
        use_hotspot &= rng.random(n) < self.hotspot_share[category]

        # Around a hotspot: Gaussian cluster, redrawn when it spills out of the arrondissement.
        pending = np.flatnonzero(use_hotspot)
        spot = _sample_rows(self.hot_cdf, row[pending], rng.random(len(pending)))
        for _ in range(HOTSPOT_ROUNDS):
            if not len(pending):
                break
            r = row[pending]
            sigma_lat = self.hot_sigma[r, spot] / METRES_PER_DEGREE_LAT
            sigma_lon = sigma_lat / math.cos(math.radians(48.86))
            lat = self.hot_lat[r, spot] + sigma_lat * rng.standard_normal(len(pending))
            lon = self.hot_lon[r, spot] + sigma_lon * rng.standard_normal(len(pending))
            polygons = self.calibration.arrondissements[arrondissement[pending]]
            inside = shapely.contains_xy(polygons, lon, lat)
            latitude[pending[inside]], longitude[pending[inside]] = lat[inside], lon[inside]
            pending, spot = pending[~inside], spot[~inside]

        # Background (and hotspot draws that kept spilling): a cell of the arrondissement by
        # weight, then a uniform point in it.
        pending = np.sort(np.concatenate([np.flatnonzero(~use_hotspot), pending]))
        where = arrondissement[pending]
        cell = self.cell_ids[where, _sample_rows(self.cell_cdf, where, rng.random(len(pending)))]
        for _ in range(BACKGROUND_ROUNDS):
            if not len(pending):
                break
            west, south, east, north = self.cell_bounds[cell].T
            lon = west + rng.random(len(pending)) * (east - west)
            lat = south + rng.random(len(pending)) * (north - south)
            inside = shapely.contains_xy(self.calibration.cells[cell], lon, lat)
            latitude[pending[inside]], longitude[pending[inside]] = lat[inside], lon[inside]
            pending, cell = pending[~inside], cell[~inside]
        if len(pending):
            raise RuntimeError(f"{len(pending)} points could not be placed")
        return latitude, longitude


# --- To the intake service ----------------------------------------------------------------------


def external_id(seed: int, index: int) -> str:
    return f"{DEMO_SOURCE}-{seed}-{index}"


def complaint_inputs(
    arrays: DemoArrays, categories: dict, seed: int, indices: range
) -> list[ComplaintInput]:
    """`ComplaintInput`s for rows `indices`; `categories` maps a code to its Category."""
    # Imported here: the generator itself must stay usable without Django's app registry.
    from doleances.services import ComplaintInput, ContactInput

    occurred = arrays.occurred_at[indices.start : indices.stop].astype(np.int64).tolist()
    received = arrays.received_at[indices.start : indices.stop].astype(np.int64).tolist()
    items = []
    for position, i in enumerate(indices):
        contact = None
        if arrays.with_contact[i]:
            first = DEMO_FIRST_NAMES[i % len(DEMO_FIRST_NAMES)]
            contact = ContactInput(
                name=f"{first} Exemple",
                email=f"{first.lower()}.exemple{i}@example.org",
                phone=f"01 99 00 {i // 100 % 100:02d} {i % 100:02d}" if i % 2 else "",
                consent_contact=i % 3 != 0,
            )
        items.append(
            ComplaintInput(
                category=categories[arrays.categories[arrays.category[i]]],
                channel=arrays.channels[arrays.channel[i]],
                description=arrays.description(i),
                latitude=float(arrays.latitude[i]),
                longitude=float(arrays.longitude[i]),
                occurred_at=datetime.fromtimestamp(occurred[position], UTC),
                received_at=datetime.fromtimestamp(received[position], UTC),
                contact=contact,
                source=DEMO_SOURCE,
                external_id=external_id(seed, i),
                status=arrays.statuses[arrays.status[i]],
            )
        )
    return items
