"""Figures from the orientation records: the contract's computed indicators per sector and
year, and the annual activity report of each desk. Small counts are suppressed with the
disclosure control of `analytics.disclosure` (a count under 5 is never published).

A record counts for a sector when its desk's arrondissements lie in that sector; a desk
competent on all of Paris (no arrondissement) counts for Paris only.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from analytics.disclosure import THRESHOLD, Line, suppress
from territory.models import Sector
from victimes.choices import AgeBand, PersonRole, Referrer
from victimes.models import OrientationRecord, TaxonomyTerm

#: Measures a contract indicator may use (params in brackets, each optional):
#: `orientations_count` [situation, referred_by, age_band]: people oriented in the year;
#: `orientations_share_minors`, `orientations_share_75_plus`: % of them under 18, 75 or more;
#: `orientations_share_referred` [referred_by]: % of them sent by that referrer.
MEASURES = (
    "orientations_count",
    "orientations_share_minors",
    "orientations_share_75_plus",
    "orientations_share_referred",
)
ADDITIVE_MEASURES = frozenset({"orientations_count"})


def data_stamp() -> str:
    """Changes whenever records are added or removed: computed values must be refreshed."""
    figures = OrientationRecord.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return f"{figures['n']}:{figures['last']}"


def _sector(value) -> Sector | None:
    if value is None or isinstance(value, Sector):
        return value
    key = "code" if isinstance(value, str) else "pk"
    return Sector.objects.get(**{key: value})


def records(year: int, sector=None, params: dict | None = None) -> QuerySet:
    params = params or {}
    queryset = OrientationRecord.objects.filter(day__year=year)
    sector = _sector(sector)
    if sector is not None:
        outside = OrientationRecord.objects.filter(
            ~Q(desk__arrondissements__sector=sector) | Q(desk__arrondissements__isnull=True)
        ).values("pk")
        queryset = queryset.exclude(pk__in=outside)
    if code := params.get("situation"):
        term = TaxonomyTerm.objects.filter(code=code).first()
        ids = [term.pk, *term.children.values_list("pk", flat=True)] if term else []
        queryset = queryset.filter(
            pk__in=OrientationRecord.situations.through.objects.filter(
                taxonomyterm_id__in=ids
            ).values("orientationrecord_id")
        )
    for name in ("referred_by", "age_band"):
        if params.get(name):
            queryset = queryset.filter(**{name: params[name]})
    return queryset


def published_share(part: int, total: int) -> float | None:
    """part / total in %, or None when the disclosure control hides the part."""
    if total == 0:
        return None
    hidden = suppress([total, part, total - part], [Line(0, (1, 2))])
    return None if hidden[1] else round(part / total * 100, 1)


def compute(measure: str, *, year: int, sector=None, params: dict | None = None) -> float | None:
    if measure not in MEASURES:
        raise ValueError(_("Mesure inconnue : %(measure)s") % {"measure": measure})
    params = params or {}
    if measure == "orientations_count":
        n = records(year, sector, params).count()
        return float(n) if n >= THRESHOLD else None
    base = records(year, sector)
    total = base.count()
    if measure == "orientations_share_minors":
        part = base.filter(age_band=AgeBand.UNDER_18).count()
    elif measure == "orientations_share_75_plus":
        part = base.filter(age_band=AgeBand.FROM_75).count()
    else:
        part = base.filter(referred_by=params.get("referred_by", Referrer.POLICE)).count()
    return published_share(part, total)


# --- the annual activity report of a desk -------------------------------------------------


def _table(counter: Counter, labels: list[tuple[str, str]], total: int, additive: bool) -> list:
    """Rows (label, count shown, share shown); hidden cells read « < 5 », or « s » (secret:
    hidden so that a small count cannot be found by difference). Zeros are published, so
    only the non-zero cells take part in the suppression."""
    values = [counter.get(key, 0) for key, _label in labels]
    nonzero = [i for i, value in enumerate(values) if value]
    cells = [total, *(values[i] for i in nonzero)]
    lines = [Line(0, tuple(range(1, len(cells))))] if additive and nonzero else []
    hidden_cells = suppress(cells, lines) if total else np.ones(len(cells), dtype=bool)
    hidden = {index: hidden_cells[position + 1] for position, index in enumerate(nonzero)}
    rows = []
    for index, (_key, label) in enumerate(labels):
        value = values[index]
        if value == 0:
            rows.append((label, "0", ""))
        elif hidden[index]:
            rows.append((label, _("< 5") if value < THRESHOLD else _("s"), ""))
        else:
            rows.append((label, str(value), f"{value / total * 100:.0f} %"))
    return rows


def activity_report(desk, year: int) -> dict:
    """The figures of one desk's year, with small counts suppressed."""
    queryset = OrientationRecord.objects.filter(desk=desk, day__year=year)
    total = queryset.count()
    rows = list(queryset.values_list("role", "age_band", "referred_by", "follow_up", "day"))
    by_situation = Counter(
        queryset.values_list("situations__code", flat=True).exclude(situations__code=None)
    )
    terms = [(t.code, str(t)) for t in TaxonomyTerm.objects.select_related("parent")]
    months = Counter(row[4].month for row in rows)
    month_labels = [(m, date(year, m, 1).strftime("%m/%Y")) for m in range(1, 13)]
    return {
        "desk": desk,
        "year": year,
        "total": total if total >= THRESHOLD or total == 0 else _("< 5"),
        "tables": [
            (
                _("Situations (une personne peut en avoir plusieurs)"),
                _table(by_situation, [t for t in terms if by_situation.get(t[0])], total, False),
            ),
            (
                _("La personne est"),
                _table(Counter(r[0] for r in rows), PersonRole.choices, total, True),
            ),
            (_("Âge"), _table(Counter(r[1] for r in rows), AgeBand.choices, total, True)),
            (_("Adressée par"), _table(Counter(r[2] for r in rows), Referrer.choices, total, True)),
            (
                _("Suivi prévu"),
                _table(
                    Counter(r[3] for r in rows), [(True, _("oui")), (False, _("non"))], total, True
                ),
            ),
            (_("Par mois"), _table(months, month_labels, total, True)),
        ],
    }
