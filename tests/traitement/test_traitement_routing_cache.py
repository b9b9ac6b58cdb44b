"""Intake keeps the routing table in memory and still follows every edit of the rules."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Desk
from doleances.models import Category
from traitement.models import Case, CaseEvent, RoutingRule
from traitement.routing import RoutingTable
from traitement.services import case_for


def route_point_de_deal_in_the_18th(category_id=None):
    return RoutingTable.current().route(
        category_id=category_id or Category.objects.get(code="point-deal").pk,
        arrondissement_id=18,
        moment=timezone.now(),
    )


def test_a_warm_table_costs_one_small_query(paris):
    category_id = Category.objects.get(code="point-deal").pk
    route_point_de_deal_in_the_18th(category_id)
    with CaptureQueriesContext(connection) as queries:
        decision = route_point_de_deal_in_the_18th(category_id)
    assert decision.desk.code == "pp-cmt-18"
    assert len(queries) == 1


def test_an_edited_rule_is_followed_at_once(paris):
    assert route_point_de_deal_in_the_18th().desk.code == "pp-cmt-18"
    rule = route_point_de_deal_in_the_18th().rule
    rule.partner = None
    rule.desk = Desk.objects.get(code="pm-18")
    rule.save()
    assert route_point_de_deal_in_the_18th().desk.code == "pm-18"


def test_a_desk_changing_arrondissements_is_followed_at_once(paris):
    assert route_point_de_deal_in_the_18th().desk.code == "pp-cmt-18"
    Desk.objects.get(code="pp-cmt-18").arrondissements.remove(18)
    Desk.objects.get(code="pp-cmt-17").arrondissements.add(18)
    assert route_point_de_deal_in_the_18th().desk.code == "pp-cmt-17"


def test_a_rolled_back_edit_is_forgotten(paris):
    rule = RoutingRule.objects.get(pk=route_point_de_deal_in_the_18th().rule.pk)
    with transaction.atomic():
        rule.is_active = False
        rule.save()  # moves the revision inside the transaction
        assert route_point_de_deal_in_the_18th().rule != rule
        transaction.set_rollback(True)
    assert route_point_de_deal_in_the_18th().desk.code == "pp-cmt-18"


def test_intake_follows_an_edit_made_after_the_table_was_cached(file_at):
    # The filing reuses this process's table and checks the revision while writing the case
    # (PostgreSQL): an edit since then, even one rolled back since, must still be followed,
    # and the complaint keeps exactly one case and one first event.
    first = file_at("point-deal", arrondissement=18)
    assert case_for(first).desk.code == "pp-cmt-18"
    rule = RoutingRule.objects.get(pk=case_for(first).routing_rule_id)
    with transaction.atomic():
        rule.is_active = False
        rule.save()
        moved = file_at("point-deal", arrondissement=18)
        assert case_for(moved).routing_rule_id != rule.pk
        transaction.set_rollback(True)
    back = file_at("point-deal", arrondissement=18)
    assert case_for(back).desk.code == "pp-cmt-18"
    rule.refresh_from_db()
    rule.partner = None
    rule.desk = Desk.objects.get(code="pm-18")
    rule.save()
    again = file_at("point-deal", arrondissement=18)
    assert case_for(again).desk.code == "pm-18"
    assert Case.objects.filter(complaint=again).count() == 1
    assert list(
        CaseEvent.objects.filter(case_id=again.pk).values_list("to_desk__code", flat=True)
    ) == ["pm-18"]
