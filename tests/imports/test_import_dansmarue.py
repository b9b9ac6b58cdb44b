"""`cpps import dansmarue`: the real open-data export imports whole, once, and resumably."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from doleances.models import Complaint
from doleances.signals import complaints_filed_bulk
from tests.conftest import DATA_DIR

SAMPLE = DATA_DIR / "events" / "dansmarue_sample_2023-2024.csv"


@pytest.fixture
def var_dir(settings, tmp_path):
    """Checkpoints and default rejects files of this test only."""
    settings.CPPS_VAR_DIR = tmp_path / "var"
    return settings.CPPS_VAR_DIR


def run(*args) -> tuple[dict, str]:
    out = io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out)
    text = out.getvalue()
    return json.loads(text.strip().splitlines()[-1]), text


def sample_slice(tmp_path, rows: int):
    """The first rows of the real export, byte for byte."""
    path = tmp_path / "extrait.csv"
    with SAMPLE.open("rb") as source, path.open("wb") as target:
        for _ in range(rows + 1):
            target.write(source.readline())
    return path


def read_rejects(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_real_export_imports_whole_in_its_arrondissements_and_only_once(
    paris, var_dir, tmp_path
):
    rejects = tmp_path / "rejets.csv"
    figures, text = run("dansmarue", str(SAMPLE), "--rejects", str(rejects))

    assert figures["read"] == 6003
    assert figures["created"] == 6003 and figures["rejected"] == 0
    assert figures["unmapped_labels"] == 0
    assert "doléances créées : 6003" in text
    assert not rejects.exists()

    with SAMPLE.open(encoding="utf-8") as fh:
        stated = {row["id_dmr"]: int(row["arrondissement"]) for row in csv.DictReader(fh)}
    stored = dict(
        Complaint.objects.filter(source="dansmarue").values_list(
            "external_id", "arrondissement__number"
        )
    )
    assert stored.keys() == stated.keys()
    agree = sum(stored[key] == number for key, number in stated.items())
    assert agree / len(stated) >= 0.99

    complaint = Complaint.objects.get(external_id="A2024C016447")
    assert complaint.channel == "dansmarue" and complaint.status == "new"
    assert complaint.category.code == "voirie"
    assert complaint.address == "90 Rue de la Victoire, 75009 PARIS"
    assert complaint.postal_code == "75009"
    assert complaint.received_at.isoformat() == "2024-03-05T23:00:00+00:00"  # Paris midnight
    assert complaint.latitude == pytest.approx(48.8750648491149)
    # Spreadsheet-mangled postal codes ("75012.0") are repaired.
    assert not Complaint.objects.filter(postal_code__contains=".").exists()

    again, _text = run("dansmarue", str(SAMPLE), "--rejects", str(rejects))
    assert again == {**again, "read": 6003, "created": 0, "existing": 6003, "rejected": 0}
    assert Complaint.objects.count() == 6003


def test_status_option(paris, var_dir, tmp_path):
    figures, _text = run("dansmarue", str(sample_slice(tmp_path, 5)), "--status", "closed")
    assert figures["created"] == 5
    assert set(Complaint.objects.values_list("status", flat=True)) == {"closed"}


def test_a_limited_import_resumes_where_it_stopped(paris, var_dir, tmp_path):
    path = sample_slice(tmp_path, 1000)
    first, text = run("dansmarue", str(path), "--limit", "300", "--batch-size", "100")
    assert (first["read"], first["created"]) == (300, 300)
    assert "Import partiel" in text

    rest, text = run("dansmarue", str(path), "--batch-size", "100")
    assert "reprise à la ligne 302" in text  # header + 300 rows already done
    assert (rest["read"], rest["created"], rest["existing"]) == (700, 700, 0)
    assert Complaint.objects.count() == 1000

    # Finished: the next run reads everything again and finds it all stored.
    again, _text = run("dansmarue", str(path))
    assert (again["read"], again["existing"], again["created"]) == (1000, 1000, 0)


def test_a_crash_midway_keeps_committed_batches_and_the_rerun_completes(paris, var_dir, tmp_path):
    path = sample_slice(tmp_path, 500)
    batches = []

    def crash_on_third_batch(sender, complaints, **kwargs):
        batches.append(len(complaints))
        if len(batches) == 3:
            raise RuntimeError("panne de courant")

    complaints_filed_bulk.connect(crash_on_third_batch)
    try:
        with pytest.raises(CommandError, match="relancez la même commande"):
            run("dansmarue", str(path), "--batch-size", "100")
    finally:
        complaints_filed_bulk.disconnect(crash_on_third_batch)
    assert Complaint.objects.count() == 200

    figures, text = run("dansmarue", str(path), "--batch-size", "100")
    assert "reprise à la ligne 202" in text
    assert (figures["created"], figures["existing"]) == (300, 0)
    assert Complaint.objects.count() == 500
    assert Complaint.objects.values("external_id").distinct().count() == 500


def test_a_checkpoint_the_database_does_not_back_is_ignored(paris, var_dir, tmp_path):
    path = sample_slice(tmp_path, 300)
    run("dansmarue", str(path), "--limit", "100", "--batch-size", "50")
    Complaint.objects.all().delete()  # e.g. the database was restored from a backup

    figures, text = run("dansmarue", str(path))
    assert "reprise" not in text
    assert figures["created"] == 300


def test_malformed_rows_are_rejected_with_a_french_reason(paris, var_dir, tmp_path):
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        good = [next(reader) for _ in range(6)]
    col = {name: i for i, name in enumerate(header)}

    def variant(row, **changes):
        row = list(row)
        for name, value in changes.items():
            row[col[name]] = value
        return row

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerow(good[0])
    writer.writerow(variant(good[1], geo_point_2d="quarante-huit, deux"))  # line 3
    writer.writerow(
        variant(good[2], geo_point_2d="45.764, 4.8357", geo_shape="", latitude="", longitude="")
    )  # line 4: Lyon
    writer.writerow(variant(good[3], datedecl=""))  # line 5
    writer.writerow(variant(good[4], type="", soustype=""))  # line 6
    writer.writerow(good[5][:5])  # line 7: truncated row
    writer.writerow(variant(good[0], id_dmr="X1"))  # line 8, made unreadable below
    data = buffer.getvalue().encode("utf-8")
    # Bytes that are not UTF-8 in a UTF-8 file (the other rows have valid accents).
    cut = data.rindex(b"Rue")
    path = tmp_path / "abime.csv"
    path.write_bytes(data[:cut] + b"R\xe9\xffe" + data[cut + 3 :])
    rejects = tmp_path / "rejets.csv"

    figures, text = run("dansmarue", str(path), "--rejects", str(rejects))

    assert figures == {**figures, "read": 7, "created": 1, "rejected": 6}
    assert str(rejects) in text
    rows = read_rejects(rejects)
    reasons = {int(row["ligne"]): row["motif_rejet"] for row in rows}
    assert "Point illisible" in reasons[3] or "Latitude illisible" in reasons[3]
    assert "en dehors de Paris" in reasons[4]
    assert "Date de déclaration manquante" in reasons[5]
    assert "Type de signalement manquant" in reasons[6]
    assert "Nombre de colonnes incorrect : 5 au lieu de 22" in reasons[7]
    assert "Caractères illisibles" in reasons[8]
    # The original columns come back so that the rows can be fixed and imported again.
    assert rows[0]["id_dmr"] == good[1][col["id_dmr"]]
    assert rows[0]["geo_point_2d"] == "quarante-huit, deux"


def test_a_file_without_the_needed_columns_is_refused_before_reading(paris, var_dir, tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Colonnes manquantes"):
        run("dansmarue", str(path))
    with pytest.raises(CommandError, match="introuvable"):
        run("dansmarue", str(tmp_path / "absent.csv"))


def test_an_export_without_id_dmr_keeps_reports_sharing_a_numero_apart(paris, var_dir, tmp_path):
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = [row for _i, row in zip(range(2000), csv.DictReader(fh), strict=False)]
    numeros = [row["numero"] for row in rows]
    assert len(set(numeros)) < len(numeros)  # the sample does repeat numeros
    path = tmp_path / "ancien-format.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, [name for name in rows[0] if name != "id_dmr"])
        writer.writeheader()
        writer.writerows({k: v for k, v in row.items() if k != "id_dmr"} for row in rows)

    first, _text = run("dansmarue", str(path))
    again, _text = run("dansmarue", str(path))

    assert (first["created"], first["existing"]) == (2000, 0)
    assert (again["created"], again["existing"]) == (0, 2000)


def test_outside_a_transaction_batches_commit_and_a_crashed_import_resumes(
    paris_live, var_dir, tmp_path
):
    """As on the command line: each batch commits (with SQLite's checkpoints deferred to the
    end of the import, then the usual setting back)."""

    def wal_pages():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cursor.fetchone()[0]

    before = wal_pages() if connection.vendor == "sqlite" else None
    path = sample_slice(tmp_path, 300)
    batches = []

    def crash_on_second_batch(sender, complaints, **kwargs):
        batches.append(len(complaints))
        if len(batches) == 2:
            raise RuntimeError("panne de courant")

    complaints_filed_bulk.connect(crash_on_second_batch)
    try:
        with pytest.raises(CommandError):
            run("dansmarue", str(path), "--batch-size", "100")
    finally:
        complaints_filed_bulk.disconnect(crash_on_second_batch)
    assert Complaint.objects.count() == 100
    figures, text = run("dansmarue", str(path), "--batch-size", "100")
    assert "reprise à la ligne 102" in text
    assert (figures["created"], figures["existing"]) == (200, 0)
    assert Complaint.objects.values("external_id").distinct().count() == 300
    if before is not None:
        assert wal_pages() == before
