"""The analytical store: incremental refresh from the case database, no personal data,
Parquet export, lazy refresh and lock handling.

The fixtures below (complaints filed through the real intake service at chosen quartiers
and times) are also used by the measure and open-data tests, which import them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pyarrow.dataset as ds
import pytest
import shapely
from django.core.management import call_command

from doleances.bulk import file_complaints
from doleances.choices import Channel, Status
from doleances.models import Category, Complaint
from doleances.services import ComplaintInput, ContactInput
from observatoire import services, store
from observatoire.facts import FACT_NAMES
from territory.models import Quartier
from traitement import services as workflow
from traitement.choices import ClosingReason
from traitement.models import Case

PARIS = ZoneInfo("Europe/Paris")


def paris_time(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def quartier_point(paris):
    """quartier_point(number) -> (lat, lon) inside that quartier administratif (1–80)."""
    cache: dict[int, tuple[float, float]] = {}

    def point(number: int):
        if number not in cache:
            geometry = Quartier.objects.get(number=number).geometry
            p = shapely.from_geojson(geometry).representative_point()
            cache[number] = (p.y, p.x)
        return cache[number]

    return point


@pytest.fixture
def file_many(quartier_point):
    """file_many([(category code, quartier number, received_at, channel?), ...]) files them
    through the bulk intake (routing included) and returns the complaints."""
    counter = iter(range(1, 10_000_000))

    def make(specs, *, contact: bool = True):
        categories = {c.code: c for c in Category.objects.all()}
        items = []
        for spec in specs:
            code, quartier, received = spec[:3]
            channel = spec[3] if len(spec) > 3 else Channel.WEB
            lat, lon = quartier_point(quartier) if quartier else (None, None)
            n = next(counter)
            items.append(
                ComplaintInput(
                    category=categories[code],
                    channel=channel,
                    description=f"Description libre n° {n} avec un nom, Jean Secret.",
                    latitude=lat,
                    longitude=lon,
                    postal_code="" if quartier else "75011",
                    occurred_at=received - timedelta(minutes=20),
                    received_at=received,
                    contact=ContactInput(name="Jean Secret", email=f"jean{n}@example.org")
                    if contact
                    else None,
                    source="test-obs",
                    external_id=f"obs-{n}",
                )
            )
        result = file_complaints(items)
        assert not result.rejected, result.rejected
        return result.created

    return make


@pytest.fixture
def fresh_store(paris):
    """An empty store rebuilt from this test's database (tests share one var dir)."""
    services.refresh(full=True)


def facts_rows() -> list[dict]:
    with store.reading() as con:
        cursor = con.execute("SELECT * FROM facts ORDER BY complaint_id")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def assert_rollups_match_facts():
    """Every rollup, kept up to date by differences, equals its recomputation from facts."""
    with store.reading() as con:
        for name, (_period, keys, condition) in store.ROLLUPS.items():
            cols = ", ".join(keys)
            where = f"WHERE {condition}" if condition else ""
            kept = con.execute(f"SELECT {cols}, n FROM {name} ORDER BY ALL").fetchall()  # noqa: S608
            fresh = con.execute(
                f"SELECT {cols}, count(*) FROM facts {where} GROUP BY ALL ORDER BY ALL"  # noqa: S608
            ).fetchall()
            assert kept == fresh, name


def test_new_complaint_is_visible_after_an_incremental_refresh(fresh_store, file_many):
    first = file_many([("bruit-rue", 41, paris_time(2025, 6, 21, 23, 30))])[0]
    result = services.refresh()
    assert result["full"] is False and result["rows"] == 1
    f = services.Filters(start=paris_time(2025, 6, 1).date(), end=paris_time(2025, 6, 30).date())
    assert services.key_figures(f)["total"] == 1

    second = file_many([("bruit-rue", 41, paris_time(2025, 6, 22, 1, 15))])[0]
    services.refresh()
    assert services.key_figures(f)["total"] == 2
    rows = facts_rows()
    assert [r["complaint_id"] for r in rows] == [first.pk, second.pk]
    # Local Paris time (UTC+2 in June): 01:15 on Sunday 22 June.
    assert (rows[1]["day"].isoformat(), rows[1]["hour"], rows[1]["weekday"]) == ("2025-06-22", 1, 6)
    assert rows[1]["quartier_id"] == second.quartier_id
    assert rows[1]["sector_id"] == second.sector_id
    assert rows[1]["h3_r10"] == second.h3_r10
    assert rows[1]["desk_id"] == Case.objects.get(pk=second.pk).desk_id
    assert_rollups_match_facts()


def test_status_changes_and_answers_are_reflected(fresh_store, file_many):
    complaint = file_many([("depots-sauvages", 12, paris_time(2025, 3, 3, 9))])[0]
    services.refresh()
    f = services.Filters(start=paris_time(2025, 3, 1).date(), end=paris_time(2025, 3, 31).date())
    assert services.key_figures(f)["open"] == 1

    def case():
        return Case.objects.select_related("complaint", "desk").get(pk=complaint.pk)

    workflow.qualify(case(), None)
    workflow.answer(case(), None, "Les encombrants ont été enlevés.")
    workflow.close(case(), None, ClosingReason.RESOLVED)
    services.refresh()

    row = facts_rows()[0]
    assert row["status"] == Status.CLOSED and row["is_open"] is False
    assert row["first_answer_at"] is not None and row["closed_at"] is not None
    assert row["first_answer_hours"] > 0
    figures = services.key_figures(f)
    assert figures["open"] == 0 and figures["total"] == 1 and figures["answered"] == 1
    assert_rollups_match_facts()


def test_case_only_change_is_picked_up(fresh_store, file_many):
    """Re-routing an open case changes the desk without touching the complaint row."""
    from accounts.models import Desk

    complaint = file_many([("point-deal", 70, paris_time(2025, 5, 5, 18))])[0]
    services.refresh()
    case = Case.objects.select_related("complaint", "desk").get(pk=complaint.pk)
    other = Desk.objects.filter(is_active=True).exclude(pk=case.desk_id).first()
    workflow.reroute(case, None, other, "Compétence de ce guichet.")
    services.refresh()
    assert facts_rows()[0]["desk_id"] == other.pk
    assert facts_rows()[0]["partner_id"] == other.partner_id
    assert_rollups_match_facts()


def test_store_holds_no_personal_data(fresh_store, file_many):
    file_many([("bruit-etablissement", 41, paris_time(2025, 6, 21, 23))])
    services.refresh()
    assert set(FACT_NAMES) == {
        "complaint_id", "received_at", "day", "week_start", "month_start", "year", "hour",
        "weekday", "occurred_hour", "category_id", "family_id", "channel", "status", "is_open",
        "quartier_id", "arrondissement_id", "sector_id", "h3_r8", "h3_r9", "h3_r10", "h3_r11",
        "desk_id", "partner_id", "first_answer_at", "closed_at", "due_at",
        "first_answer_hours", "answer_bucket", "closing_days", "closing_bucket",
        "deadline_state", "updated_at",
    }  # fmt: skip
    with store.reading() as con:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = 'store'"
        ).fetchall()
        assert [c for t, c in columns if t == "facts"] == list(FACT_NAMES)
        forbidden = {"reference", "description", "name", "email", "phone", "address",
                     "latitude", "longitude", "postal_code", "photo", "media_url",
                     "external_id", "answer", "comment", "tracking_token"}  # fmt: skip
        assert not [(t, c) for t, c in columns if c in forbidden]
        # Nor does any text value carry the complainant's name or the free text.
        text = con.execute("SELECT string_agg(channel || status, '') FROM facts").fetchone()[0]
        assert "Secret" not in text and "Description" not in text


def test_full_refresh_rebuilds_and_export_parquet_partitions(fresh_store, file_many, tmp_path):
    file_many(
        [
            ("bruit-rue", 41, paris_time(2024, 12, 31, 22)),
            ("bruit-rue", 41, paris_time(2025, 1, 1, 0, 30)),
            ("graffitis", 7, paris_time(2025, 2, 14, 10)),
        ]
    )
    result = services.refresh(full=True)
    assert result["full"] is True and result["rows"] == 3
    written = store.export_parquet(tmp_path)
    assert written["facts"] == 3
    root = tmp_path / "facts"
    partitions = sorted(p.relative_to(root).as_posix() for p in root.glob("*/*"))
    assert partitions == ["year=2024/month=12", "year=2025/month=1", "year=2025/month=2"]
    facts = ds.dataset(tmp_path / "facts", format="parquet", partitioning="hive").to_table()
    assert facts.num_rows == 3
    assert sorted(set(facts.column("year").to_pylist())) == [2024, 2025]
    daily = duckdb.execute(
        "SELECT sum(n) FROM read_parquet(?, hive_partitioning = true)",
        [f"{tmp_path}/daily/*/*/*.parquet"],
    ).fetchall()
    assert daily == [(3,)]
    labels = duckdb.execute(
        "SELECT code FROM read_parquet(?)", [f"{tmp_path}/dim_category.parquet"]
    ).fetchall()
    assert ("bruit-rue",) in labels


def test_web_reads_never_refresh_the_store(fresh_store, file_many):
    """Only the worker writes the store: a measure on an old store reads it as it is."""
    f = services.Filters(start=paris_time(2025, 4, 1).date(), end=paris_time(2025, 4, 30).date())
    file_many([("megots", 20, paris_time(2025, 4, 2))])
    stamp = store.store_dir() / store.STAMP_FILE
    old = time.time() - 3600
    os.utime(stamp, (old, old))
    published = store.store_path()
    assert services.key_figures(f)["total"] == 0
    assert store.store_path() == published and stamp.stat().st_mtime == old
    services.refresh()  # what the worker's schedule does
    assert store.store_path() != published and services.key_figures(f)["total"] == 1


def test_refresh_does_not_wait_for_a_reader_in_another_process(fresh_store, file_many):
    """A reader holds the published file; the refresh writes the other one and swaps the
    link: neither waits, and the reader goes on with the generation it opened."""
    file_many([("megots", 20, paris_time(2025, 4, 2))])
    attach = f"ATTACH '{store.store_path()}' AS s (READ_ONLY)"
    count = "SELECT count(*) FROM s.facts"
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(); "
            f"c.execute({attach!r}); "
            "print('ready', flush=True); sys.stdin.readline(); "
            f"print(c.execute({count!r}).fetchone()[0], flush=True)",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        started = time.monotonic()
        result = services.refresh()
        assert result["rows"] == 1
        assert time.monotonic() - started < 5  # no lock to wait for
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "0"  # its generation, whole and readable
    finally:
        reader.wait(timeout=10)
    with store.reading() as con:
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == 1


def test_worker_refreshes_get_through_lingering_readers(fresh_store, file_many):
    """This process keeps the published file attached a moment after reading (warm blocks
    for the next reads); two writes in another process (the second one to the file this
    process still holds) get through once it lets go."""
    file_many([("megots", 20, paris_time(2025, 4, 2))])
    f = services.Filters(start=paris_time(2025, 4, 1).date(), end=paris_time(2025, 4, 30).date())
    assert services.key_figures(f)["total"] == 0
    writer = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, shutil; django.setup(); from observatoire import store\n"
            "for _ in range(2):\n"
            "    spare = store._spare_path()\n"
            "    if not spare.exists(): shutil.copyfile(store.store_path(), spare)\n"
            "    with store._access.writing(spare) as con:\n"
            "        con.execute('UPDATE meta SET generation = generation + 1')\n"
            "    store._publish(spare)\n"
            "print('written')",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cpps.settings"},
    )
    assert writer.stdout.strip() == "written", writer.stderr
    services.refresh()
    assert services.key_figures(f)["total"] == 1


def test_cli_refresh_status_and_export(fresh_store, file_many, tmp_path, capsys):
    file_many([("vente-sauvette", 70, paris_time(2025, 8, 1, 15))])
    call_command("observatoire", "refresh")
    assert '"rows": 1' in capsys.readouterr().out
    call_command("observatoire", "status")
    assert '"rows": 1' in capsys.readouterr().out
    call_command("observatoire", "export-parquet", str(tmp_path / "export"))
    assert (tmp_path / "export" / "facts" / "year=2025" / "month=8").is_dir()


def test_complaint_without_quartier_is_kept_with_its_arrondissement(fresh_store, file_many):
    complaint = file_many([("bruit-rue", None, paris_time(2025, 6, 3))])[0]
    services.refresh()
    row = facts_rows()[0]
    assert row["quartier_id"] is None and row["h3_r10"] is None
    assert row["arrondissement_id"] == complaint.arrondissement_id
    assert Complaint.objects.get(pk=complaint.pk).arrondissement.number == 11
