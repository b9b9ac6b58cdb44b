"""Past one machine: the store's Parquet export (Hive-partitioned by year/month) is read by
Apache Spark (pyspark, local mode, Java 17) and gives the observatory's monthly counts by
arrondissement and family, exactly. Takes ~20 s (the JVM start) — it runs in `make test`."""

from __future__ import annotations

import calendar
from datetime import date

import pytest

from doleances.models import Family
from observatoire import services, store
from tests.observatoire.conftest import file_demo

START, END = date(2025, 1, 1), date(2025, 4, 30)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("cpps-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


def observatory_counts() -> dict[tuple[int, int, int, str], int]:
    counts = {}
    families = list(Family.objects.values_list("code", flat=True))
    month = START
    while month <= END:
        end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        for family in families:
            f = services.Filters(start=month, end=end, families=(family,))
            for row in services.counts_by(f, "arrondissement"):
                if row["count"]:
                    counts[(month.year, month.month, int(row["key"]), family)] = row["count"]
        month = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    return counts


def test_spark_reads_the_parquet_export_and_finds_the_observatory_counts(paris, spark, tmp_path):
    file_demo(1_500, seed=3, start=START, end=END)
    services.refresh(full=True)
    written = store.export_parquet(tmp_path)
    assert written["facts"] == 1_500

    facts = spark.read.option("basePath", str(tmp_path / "facts")).parquet(str(tmp_path / "facts"))
    assert {"year", "month"} <= set(facts.columns)  # the Hive partitions are columns
    facts.createOrReplaceTempView("facts")
    spark.read.parquet(str(tmp_path / "dim_family.parquet")).createOrReplaceTempView("dim_family")
    spark.read.parquet(str(tmp_path / "dim_arrondissement.parquet")).createOrReplaceTempView(
        "dim_arrondissement"
    )
    rows = spark.sql(
        "SELECT f.year, f.month, a.number, d.code, count(*) AS n FROM facts f "
        "JOIN dim_arrondissement a ON a.arrondissement_id = f.arrondissement_id "
        "JOIN dim_family d ON d.family_id = f.family_id "
        "GROUP BY f.year, f.month, a.number, d.code"
    ).collect()
    from_spark = {(r.year, r.month, r.number, r.code): r.n for r in rows}
    assert sum(from_spark.values()) == 1_500
    assert from_spark == observatory_counts()
