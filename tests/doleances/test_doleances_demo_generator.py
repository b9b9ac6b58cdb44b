"""The demo generator: reproducible, and shaped like what Paris residents actually report."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely

from doleances import demo
from doleances.choices import Channel, Status
from territory.models import Arrondissement
from territory.services import locate_many
from tests.conftest import DATA_DIR, GEO_DIR

START, END = date(2024, 1, 1), date(2026, 1, 1)
NIGHT_HOURS = [22, 23, 0, 1, 2, 3]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def rows():
    return demo.generate(200_000, seed=2026, start=START, end=END)


def category_codes(arrays) -> np.ndarray:
    return np.asarray(arrays.categories)[arrays.category]


def paris_local(values: np.ndarray) -> np.ndarray:
    """Paris wall-clock datetime64[s] of UTC datetime64 values (summer time included)."""
    epoch = values.astype("datetime64[s]").astype(np.int64)
    hours, inverse = np.unique(epoch // 3600, return_inverse=True)
    offsets = np.array(
        [datetime.fromtimestamp(int(h) * 3600, PARIS).utcoffset().total_seconds() for h in hours]
    )
    return (epoch + offsets[inverse].astype(np.int64)).astype("datetime64[s]")


def hour_of(local: np.ndarray) -> np.ndarray:
    return (local.astype(np.int64) // 3600) % 24


def weekday_of(local: np.ndarray) -> np.ndarray:
    """Monday = 0 (1 January 1970 was a Thursday)."""
    return (local.astype("datetime64[D]").astype(np.int64) + 3) % 7


def month_of(local: np.ndarray) -> np.ndarray:
    return local.astype("datetime64[M]").astype(np.int64) % 12 + 1


def evening_of(local: np.ndarray) -> np.ndarray:
    """The day whose evening an hour belongs to: 2 a.m. on Saturday is Friday night."""
    return local - np.timedelta64(6, "h")


def metres_to_nearest(rows, spots) -> np.ndarray:
    nearest = np.full(len(rows), np.inf)
    for spot in spots:
        metres = np.hypot(
            (rows.latitude - spot.latitude) * 111_320,
            (rows.longitude - spot.longitude) * 111_320 * np.cos(np.radians(48.86)),
        )
        nearest = np.minimum(nearest, metres)
    return nearest


def test_same_seed_same_complaints_other_seed_others():
    first = demo.generate(5_000, seed=7, start=START, end=END)
    again = demo.generate(5_000, seed=7, start=START, end=END)
    other = demo.generate(5_000, seed=8, start=START, end=END)

    for name in (
        "latitude",
        "longitude",
        "arrondissement",
        "occurred_at",
        "received_at",
        "category",
        "channel",
        "status",
        "text",
        "with_contact",
    ):
        assert np.array_equal(getattr(first, name), getattr(again, name)), name
    assert first.categories == again.categories
    assert not np.array_equal(first.latitude, other.latitude)
    assert [first.description(i) for i in range(50)] == [again.description(i) for i in range(50)]


def test_volumes_by_arrondissement_match_the_calibration(rows):
    target = demo.expected_arrondissement_shares()
    observed = np.bincount(rows.arrondissement, minlength=21)[1:] / len(rows)

    assert target.sum() == pytest.approx(1.0)
    assert np.all(np.abs(observed - target) / target < 0.05)
    # The target itself stays close to the real DansMaRue 2020 volumes: the 18th first,
    # the four central arrondissements last.
    aggregates = json.loads(
        (DATA_DIR / "events" / "dansmarue_2020_aggregates.json").read_text(encoding="utf-8")
    )
    real = np.zeros(20)
    for row in aggregates["by_arrondissement"]:
        real[int(row["arrondissement"]) - 1] = row["count"]
    real /= real.sum()
    assert np.corrcoef(real, observed)[0, 1] > 0.97
    assert observed.argmax() == 17
    assert set(np.argsort(observed)[:4] + 1) <= {1, 2, 3, 4, 5, 6, 7, 8}


def test_dumping_graffiti_and_urine_dominate_and_emergencies_are_rare(rows):
    counts = {code: 0 for code in rows.categories}
    for code, n in zip(*np.unique(category_codes(rows), return_counts=True), strict=True):
        counts[code] = n
    ranked = sorted(counts, key=counts.get, reverse=True)

    assert ranked[:2] == ["depots-sauvages", "graffitis"]
    assert ranked.index("epanchement-urine") < 10
    assert counts["violence-en-cours"] / len(rows) < 0.005
    assert counts["personne-agee-danger"] / len(rows) < 0.005
    # Every category of the Paris taxonomy appears, the DansMaRue city family included.
    assert min(counts.values()) > 0
    city = ("voirie", "eclairage", "mobilier-urbain", "proprete-autre", "vehicules-abandonnes")
    assert sum(counts[c] for c in city) / len(rows) > 0.1


def test_nightlife_noise_happens_at_night_on_weekends_in_summer(rows):
    category = category_codes(rows)
    local = paris_local(rows.occurred_at[np.isin(category, ["bruit-etablissement", "bruit-rue"])])

    assert np.isin(hour_of(local), NIGHT_HOURS).mean() > 0.6
    # Thursday, Friday and Saturday nights (the small hours belong to the evening before).
    assert np.isin(weekday_of(evening_of(local)), [3, 4, 5]).mean() > 0.5
    per_month = np.bincount(month_of(local), minlength=13)[1:]
    assert per_month[5:9].mean() > 1.2 * per_month[[0, 1, 2, 10, 11]].mean()
    # The Fête de la musique night stands out against an ordinary June night.
    evenings = np.datetime_as_string(evening_of(local), unit="D")
    june = np.char.find(evenings, "-06-") == 4
    fete = np.char.endswith(evenings, "-06-21")
    assert fete.sum() > 3 * (june & ~fete).sum() / 29


def test_dumping_by_day_on_weekdays_rodeos_evenings_deals_in_the_north_east(rows):
    category = category_codes(rows)
    local = paris_local(rows.occurred_at[category == "depots-sauvages"])
    assert ((hour_of(local) >= 7) & (hour_of(local) < 20)).mean() > 0.85
    assert (weekday_of(local) < 5).mean() > 0.8

    rodeo = category == "rodeos"
    local = paris_local(rows.occurred_at[rodeo])
    assert ((hour_of(local) >= 17) | (hour_of(local) < 1)).mean() > 0.7
    assert np.isin(month_of(local), [4, 5, 6, 7, 8, 9]).mean() > 0.65
    assert np.isin(rows.arrondissement[rodeo], range(12, 21)).mean() > 0.85

    deal = rows.arrondissement[category == "point-deal"]
    assert np.isin(deal, [18, 19, 20]).mean() > 0.45


def test_complaints_gather_around_hotspots(rows):
    category = category_codes(rows)
    near_deal_spot = metres_to_nearest(rows, demo.HOTSPOTS["deal"]) < 300
    near_night_spot = metres_to_nearest(rows, demo.HOTSPOTS["nightlife"]) < 300

    assert near_deal_spot[category == "point-deal"].mean() > 0.4
    assert near_night_spot[category == "bruit-etablissement"].mean() > 0.25
    # Categories without hotspots spread over the city.
    assert near_deal_spot[category == "voirie"].mean() < 0.12
    assert near_night_spot[category == "voirie"].mean() < 0.12


def test_times_channels_statuses_and_contacts_are_plausible(rows):
    occurred = rows.occurred_at.astype("int64")
    received = rows.received_at.astype("int64")
    start = np.datetime64("2023-12-31T23:00:00").astype("datetime64[s]").astype("int64")
    end = np.datetime64("2025-12-31T23:00:00").astype("datetime64[s]").astype("int64")
    assert occurred.min() >= start and received.max() < end
    delay = received - occurred
    assert delay.min() >= 0 and np.percentile(delay, 50) < 3600 and delay.max() <= 26 * 3600

    # A slight growth from one year to the next.
    year = rows.occurred_at.astype("datetime64[Y]").astype(int) + 1970
    growth = (year == 2025).sum() / (year == 2024).sum()
    assert 1.0 < growth < 1.15

    channels = set(np.asarray(rows.channels)[rows.channel])
    assert channels == {
        Channel.WEB,
        Channel.DANSMARUE,
        Channel.PHONE_3975,
        Channel.TOTEM,
        Channel.COMMISSARIAT,
        Channel.API,
    }
    status = np.asarray(rows.statuses)[rows.status]
    age_days = (end - received) / 86400
    assert set(status) <= set(Status.values)
    assert np.isin(status[age_days > 60], [Status.ANSWERED, Status.CLOSED]).mean() > 0.9
    assert (status[age_days < 2] == Status.NEW).mean() > 0.6
    assert 0.1 < rows.with_contact.mean() < 0.4


def test_descriptions_are_short_french_and_impersonal(rows):
    texts = {rows.description(i) for i in range(5_000)}
    assert len(texts) > 60
    assert all(10 < len(t) < 200 for t in texts)
    # No e-mail address, phone or postal code: the texts hold no personal data.
    assert not any("@" in t or re.search(r"\d{4}|\d{2} \d{2}", t) for t in texts)


def test_a_category_added_by_administrators_gets_complaints_too():
    arrays = demo.generate(
        2_000, seed=1, start=START, end=END, categories=["graffitis", "nouvelle-categorie"]
    )
    assert set(category_codes(arrays)) == {"graffitis", "nouvelle-categorie"}
    i = int(np.flatnonzero(category_codes(arrays) == "nouvelle-categorie")[0])
    assert arrays.description(i)


def test_every_point_is_located_in_its_arrondissement(paris, rows):
    sample = slice(0, 30_000)
    located = locate_many(rows.latitude[sample], rows.longitude[sample], with_h3=False)

    assert np.all(located.quartier_id > 0)
    numbers = dict(Arrondissement.objects.values_list("pk", "number"))
    assert np.array_equal(
        np.array([numbers[pk] for pk in located.arrondissement_id]), rows.arrondissement[sample]
    )


def test_without_the_iris_grid_points_still_fall_in_their_arrondissement(tmp_path):
    # A data directory holding the reference volumes but no IRIS file (read in place).
    for name in ("events", "reference"):
        (tmp_path / name).symlink_to(DATA_DIR / name)
    calibration = demo.load_calibration(str(GEO_DIR), str(tmp_path))
    arrays = demo.generate(20_000, seed=3, start=START, end=END, calibration=calibration)

    assert len(calibration.cells) == 20
    polygons = calibration.arrondissements[arrays.arrondissement - 1]
    assert shapely.contains_xy(polygons, arrays.longitude, arrays.latitude).all()


def test_the_data_files_hold_together():
    """Every key a category names exists in its table; shares and weights are usable."""
    for code, profile in demo.CATEGORY_PROFILES.items():
        assert profile.time in demo.TIME_PROFILES, code
        assert profile.place in demo.PLACE_MIXES, code
        assert profile.channels in demo.CHANNEL_MIXES, code
        assert not profile.hotspots or profile.hotspots in demo.HOTSPOTS, code
        assert 0 <= profile.hotspot_share < 1 and profile.weight > 0, code
    for profile in demo.TIME_PROFILES.values():
        assert (len(profile.hours), len(profile.days), len(profile.months)) == (24, 7, 12)
    for shares in demo.CHANNEL_MIXES.values():
        assert len(shares) == len(demo.CHANNELS) and abs(sum(shares) - 1) < 1e-9
    assert set(demo.CONTACT_SHARE) == set(demo.CHANNELS)
    spots = [spot for kind in demo.HOTSPOTS.values() for spot in kind]
    assert all(48.8 < s.latitude < 48.91 and 2.22 < s.longitude < 2.47 for s in spots)
