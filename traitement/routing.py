"""The routing engine: which desk receives a complaint, and why, from the rules table.

`RoutingTable.load()` reads the active rules and the desks once; `route()` is then pure Python,
so a batch of imported complaints is routed without a query per complaint. `current()` keeps
the loaded table per process and reloads it only when the routing revision changed (see
`RoutingRevision`): intake then pays one small query instead of reading every rule.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models.signals import m2m_changed
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Desk
from core.signals import on_change
from doleances.models import Category, Family
from territory.models import Arrondissement
from traitement.models import PlaceType, RoutingRevision, RoutingRule, TimeWindow


@dataclass
class Decision:
    desk: Desk | None
    rule: RoutingRule | None
    reason: str
    copy_desks: list[Desk] = field(default_factory=list)


@dataclass
class _Rule:
    rule: RoutingRule
    arrondissement_ids: frozenset[int]  # empty: all Paris
    copy_desks: list[Desk]


class RoutingTable:
    def __init__(self, rules, categories, arrondissements, desks, place_types, fallback):
        self.rules: list[_Rule] = rules
        self.categories: dict[int, Category] = categories
        self.arrondissements: dict[int, Arrondissement] = arrondissements
        self.place_types: dict[int, PlaceType] = place_types
        self.fallback: Desk | None = fallback
        # A decision depends on the category, arrondissement, place type and on which time
        # windows hold the moment: imports route a million complaints through few such keys.
        windows = {
            e.rule.time_window_id: e.rule.time_window for e in rules if e.rule.time_window_id
        }
        self.windows = list(windows.values())
        self._decisions: dict[tuple, Decision] = {}
        # "The desk of partner X competent on arrondissement A": a desk listing A wins over a
        # desk of the same partner competent on all Paris (no arrondissement).
        self.territorial: dict[tuple[int, int], Desk] = {}
        self.partner_wide: dict[int, Desk] = {}
        for desk in desks:
            arrondissement_ids = [a.pk for a in desk.arrondissements.all()]
            for arrondissement_id in arrondissement_ids:
                self.territorial.setdefault((desk.partner_id, arrondissement_id), desk)
            if not arrondissement_ids:
                self.partner_wide.setdefault(desk.partner_id, desk)

    @classmethod
    def current(cls) -> RoutingTable:
        """The table for the routing revision now in the database, rebuilt only if it moved."""
        # The statement the PostgreSQL intake folds into its writes, here on its own: the
        # ORM's `.first()` compiled a query each time, several times the cost of running it.
        with connection.cursor() as cursor:
            cursor.execute(REVISION_QUERY)
            [(stored,)] = cursor.fetchall()
        token = _TOKEN_FIELD.to_python(stored)
        if token is None:
            token = RoutingRevision.objects.create().token
        with _cache_lock:
            if _cache.get("token") != token:
                _cache["table"] = cls.load()
                _cache["token"] = token
            return _cache["table"]

    @classmethod
    def cached(cls) -> tuple[RoutingTable | None, object]:
        """This process's table and the revision it was built for (None, None before the
        first `current()`), without a query: a caller checks the revision itself, in a
        statement it sends anyway (`REVISION_QUERY`), and calls `current()` if it moved."""
        with _cache_lock:
            return _cache.get("table"), _cache.get("token")

    @classmethod
    def load(cls) -> RoutingTable:
        arrondissements = {a.pk: a for a in Arrondissement.objects.defer("geometry")}
        by_sector: dict[int, set[int]] = {}
        for arrondissement in arrondissements.values():
            by_sector.setdefault(arrondissement.sector_id, set()).add(arrondissement.pk)
        rules = []
        queryset = (
            RoutingRule.objects.filter(is_active=True)
            .select_related("category", "family", "time_window", "place_type", "desk", "partner")
            .prefetch_related("arrondissements", "sectors", "copy_desks")
            .order_by("order")
        )
        for rule in queryset:
            territory = {a.pk for a in rule.arrondissements.all()}
            for sector in rule.sectors.all():
                territory |= by_sector.get(sector.pk, set())
            copies = [d for d in rule.copy_desks.all() if d.is_active]
            rules.append(_Rule(rule, frozenset(territory), copies))
        code = settings.CPPS_ROUTING_FALLBACK_DESK
        return cls(
            rules=rules,
            categories={c.pk: c for c in Category.objects.select_related("family")},
            arrondissements=arrondissements,
            desks=list(Desk.objects.filter(is_active=True).prefetch_related("arrondissements")),
            place_types={p.pk: p for p in PlaceType.objects.all()},
            fallback=Desk.objects.filter(code=code, is_active=True).first(),
        )

    def target_desk(self, rule: RoutingRule, arrondissement_id: int | None) -> Desk | None:
        if rule.desk_id:
            return rule.desk if rule.desk.is_active else None
        if arrondissement_id is not None:
            desk = self.territorial.get((rule.partner_id, arrondissement_id))
            if desk:
                return desk
        return self.partner_wide.get(rule.partner_id)

    def route(
        self,
        *,
        category_id: int,
        arrondissement_id: int | None,
        moment: datetime,
        place_type_id: int | None = None,
    ) -> Decision:
        """The first matching rule whose desk exists, else the fallback desk."""
        return self.route_many([(category_id, arrondissement_id, moment, place_type_id)])[0]

    def route_many(self, requests: Iterable[tuple]) -> list[Decision]:
        """`route` for many (category_id, arrondissement_id, moment, place_type_id) at once:
        the time zone and the language are looked up once, not once per complaint."""
        zone = timezone.get_current_timezone()
        language = translation.get_language()  # of the reason
        decisions = []
        for category_id, arrondissement_id, moment, place_type_id in requests:
            local = timezone.localtime(moment, zone)
            key = (
                category_id,
                arrondissement_id,
                place_type_id,
                language,
                *(window.contains(local) for window in self.windows),
            )
            decision = self._decisions.get(key)
            if decision is None:
                decision = self._decisions[key] = self._decide(
                    category_id, arrondissement_id, local, place_type_id
                )
            decisions.append(decision)
        return decisions

    def _decide(self, category_id, arrondissement_id, local, place_type_id) -> Decision:
        category = self.categories[category_id]
        for entry in self.rules:
            rule = entry.rule
            if rule.category_id and rule.category_id != category_id:
                continue
            if rule.family_id and rule.family_id != category.family_id:
                continue
            if entry.arrondissement_ids and arrondissement_id not in entry.arrondissement_ids:
                continue
            if rule.place_type_id and rule.place_type_id != place_type_id:
                continue
            if rule.time_window_id and not rule.time_window.contains(local):
                continue
            desk = self.target_desk(rule, arrondissement_id)
            if desk is None:
                continue
            copies = [d for d in entry.copy_desks if d.pk != desk.pk]
            return Decision(
                desk=desk,
                rule=rule,
                reason=self.explain(rule, category, arrondissement_id, desk, copies),
                copy_desks=copies,
            )
        if self.fallback is None:
            return Decision(None, None, _("aucune règle ne s'applique et aucun guichet par défaut"))
        return Decision(
            desk=self.fallback,
            rule=None,
            reason=_("aucune règle ne s'applique → %(desk)s (guichet par défaut)")
            % {"desk": self.fallback.name},
        )

    def explain(self, rule, category, arrondissement_id, desk, copies) -> str:
        parts = [
            rule.category.label
            if rule.category_id
            else rule.family.label
            if rule.family_id
            else category.label
        ]
        if rule.time_window_id:
            parts.append(rule.time_window.label)
        if rule.place_type_id:
            parts.append(rule.place_type.label)
        if arrondissement_id in self.arrondissements:
            parts.append(self.arrondissements[arrondissement_id].name)
        text = _("règle n°%(order)d : %(criteria)s → %(desk)s") % {
            "order": rule.order,
            "criteria": ", ".join(parts),
            "desk": desk.name,
        }
        if copies:
            text += " " + _("(copie : %(desks)s)") % {"desks": ", ".join(d.name for d in copies)}
        return text[:500]


_cache_lock = threading.Lock()
_cache: dict = {}

# What a routing table is built from: any change to these moves the revision.
ROUTING_INPUTS = (RoutingRule, Desk, Category, Family, PlaceType, TimeWindow, Arrondissement)


# The revision now in the database, as one row (NULL before the first revision).
REVISION_QUERY = f"SELECT (SELECT token FROM {RoutingRevision._meta.db_table} ORDER BY id LIMIT 1)"  # noqa: S608
_TOKEN_FIELD = RoutingRevision._meta.get_field("token")


def bump_routing_revision(**kwargs) -> None:
    """Give the routing inputs a new revision token (inside the caller's transaction)."""
    updated = RoutingRevision.objects.update(token=uuid.uuid4())
    if not updated:
        RoutingRevision.objects.create()


def connect_revision_signals() -> None:
    on_change(bump_routing_revision, ROUTING_INPUTS, "traitement.routing_revision")
    for through in (
        RoutingRule.arrondissements.through,
        RoutingRule.sectors.through,
        RoutingRule.copy_desks.through,
        Desk.arrondissements.through,
    ):
        m2m_changed.connect(
            bump_routing_revision, sender=through, dispatch_uid=f"traitement.rr.{through.__name__}"
        )
