"""`cpps victimes rapport`: each desk's annual activity report, HTML and PDF."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Desk
from victimes.indicators import activity_report
from victimes.models import OrientationRecord


def default_directory() -> Path:
    return Path(settings.CPPS_VAR_DIR) / "reports" / "victimes"


def desks_with_records(year: int):
    ids = OrientationRecord.objects.filter(day__year=year).values("desk_id")
    return Desk.objects.filter(pk__in=ids).order_by("code")


def render_html(desk: Desk, year: int) -> str:
    context = activity_report(desk, year)
    context["generated_on"] = timezone.localdate()
    return render_to_string("victimes/rapport.html", context)


def write(year: int, desks, out_dir: Path | None = None) -> list[Path]:
    from weasyprint import HTML

    out_dir = Path(out_dir or default_directory())
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for desk in desks:
        html = render_html(desk, year)
        stem = out_dir / f"rapport-{year}-{desk.code}"
        stem.with_suffix(".html").write_text(html, encoding="utf-8")
        HTML(string=html, base_url=str(out_dir)).write_pdf(stem.with_suffix(".pdf"))
        written += [stem.with_suffix(".html"), stem.with_suffix(".pdf")]
    return written
