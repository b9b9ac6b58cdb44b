"""Desk screens as agents use them: scope, personal data, actions, bulk actions."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.choices import AuditAction, Role
from accounts.models import AuditEvent
from doleances.choices import Status
from traitement.choices import ClosingReason
from traitement.models import Case


@pytest.fixture
def noise(file_at):
    return file_at("bruit-rue", arrondissement=11, email="riveraine@example.org")


def case_url(complaint, action=""):
    return f"/traitement/dossiers/{complaint.reference}/" + (f"{action}/" if action else "")


def text(response):
    return response.content.decode()


def test_queue_lists_the_desk_cases_only(client, agent, noise, file_at):
    elsewhere = file_at("bruit-rue", arrondissement=12)
    client.force_login(agent)
    html = text(client.get("/traitement/"))
    assert noise.reference in html and elsewhere.reference not in html
    assert "Police municipale — division 11e arrondissement" in html
    assert 'id="count-open"' in html


def test_another_desk_gets_404_by_guessed_reference(client, make_agent, noise):
    other = make_agent("pm-12")
    client.force_login(other)
    assert client.get(case_url(noise)).status_code == 404
    assert client.post(case_url(noise, "qualify"), {}).status_code == 404
    assert noise.reference not in text(client.get("/traitement/"))
    searched = text(client.get("/traitement/?statut=all&reference=" + noise.reference))
    assert 'id="queue-empty"' in searched


def test_agent_restricted_to_an_arrondissement(client, make_agent, file_at):
    in_first = file_at("bruit-rue", arrondissement=1)
    in_third = file_at("bruit-rue", arrondissement=3)
    agent = make_agent("pm-centre", arrondissements=[1])
    client.force_login(agent)
    html = text(client.get("/traitement/"))
    assert in_first.reference in html and in_third.reference not in html
    assert client.get(case_url(in_third)).status_code == 404
    assert client.get(case_url(in_first)).status_code == 200


def test_roles_without_cases_are_refused(client, make_agent, noise, django_user_model):
    assert client.get("/traitement/").status_code == 302  # anonymous → login
    analyst = django_user_model.objects.create_user("analyste-test", password="x")
    from accounts.models import Profile

    Profile.objects.create(user=analyst, role=Role.ANALYST)
    client.force_login(analyst)
    assert client.get("/traitement/").status_code == 403
    assert client.get(case_url(noise)).status_code == 403


def test_personal_data_is_shown_to_the_desk_in_charge_and_each_display_logged(client, agent, noise):
    client.force_login(agent)
    for _ in range(2):
        html = text(client.get(case_url(noise)))
        assert "riveraine@example.org" in html and "Signalement de test." in html
    reads = AuditEvent.objects.filter(
        action=AuditAction.PERSONAL_DATA_READ, target_reference=noise.reference
    )
    assert reads.count() == 2
    assert set(reads.values_list("actor", flat=True)) == {agent.pk}


def test_copy_desk_reads_without_personal_data_nor_actions(client, make_agent, file_at):
    dumping = file_at("depots-sauvages", arrondissement=18, email="temoin@example.org")
    cleaner = make_agent("ville-proprete")
    client.force_login(cleaner)
    assert dumping.reference not in text(client.get("/traitement/"))
    assert dumping.reference in text(client.get("/traitement/?vue=copie"))
    html = text(client.get(case_url(dumping)))
    assert "temoin@example.org" not in html and "Signalement de test." not in html
    assert 'id="personal-hidden"' in html and 'id="action-qualify"' not in html
    assert client.post(case_url(dumping, "note"), {"note-text": "vu"}).status_code == 403
    assert not AuditEvent.objects.filter(
        action=AuditAction.PERSONAL_DATA_READ, target_reference=dumping.reference
    ).exists()


def test_the_whole_treatment_from_the_case_page(
    client, agent, noise, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    html = text(client.get(case_url(noise)))
    assert re.search(r'<button[^>]*id="action-qualify"[^>]*>Qualifier</button>', html)
    response = client.post(
        case_url(noise, "qualify"),
        {"qualify-category": noise.category_id, "qualify-priority": 3},
        follow=True,
    )
    assert "La doléance est qualifiée." in text(response)
    client.post(case_url(noise, "assign_me"))
    client.post(case_url(noise, "start"), {})
    html = text(client.get(case_url(noise)))
    assert '<label for="id_answer-text">Réponse au déclarant' in html
    assert re.search(r'<button[^>]*id="action-answer"[^>]*>Répondre</button>', html)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            case_url(noise, "answer"),
            {"answer-text": "Une patrouille est passée rue Oberkampf."},
            follow=True,
        )
    assert "La réponse a été envoyée au déclarant." in text(response)
    assert any(
        "Une patrouille est passée rue Oberkampf." in m.body and m.to == ["riveraine@example.org"]
        for m in mail.outbox
    )
    client.post(case_url(noise, "close"), {"close-reason": ClosingReason.RESOLVED})
    case = Case.objects.get(pk=noise.pk)
    assert case.complaint.status == Status.CLOSED and case.assigned_to == agent
    assert case.closing_reason == ClosingReason.RESOLVED
    changes = AuditEvent.objects.filter(
        action=AuditAction.CASE_CHANGE, target_reference=noise.reference
    )
    assert sorted(changes.values_list("details__action", flat=True)) == sorted(
        ["qualify", "assign_me", "start", "answer", "close"]
    )


def test_refused_action_and_invalid_form_give_french_messages(client, agent, noise):
    client.force_login(agent)
    response = client.post(case_url(noise, "start"), {}, follow=True)
    assert "Action « Commencer le traitement » impossible" in text(response)
    response = client.post(case_url(noise, "reroute"), {"reroute-reason": "x"}, follow=True)
    assert response.status_code == 200 and "Ce champ est obligatoire." in text(response)
    assert client.post(case_url(noise, "effacer")).status_code == 404
    assert client.get(case_url(noise, "qualify")).status_code == 405


def test_reroute_from_the_page_hands_the_case_over(client, agent, make_agent, noise):
    from accounts.models import Desk

    client.force_login(agent)
    commissariat = Desk.objects.get(code="pp-cmt-11")
    client.post(
        case_url(noise, "reroute"),
        {"reroute-desk": commissariat.pk, "reroute-reason": "Trafic constaté"},
    )
    assert Case.objects.get(pk=noise.pk).desk == commissariat
    assert client.get(case_url(noise)).status_code == 404  # no longer this desk's case
    client.force_login(make_agent("pp-cmt-11"))
    html = text(client.get(case_url(noise)))
    assert "Trafic constaté" in html and "règle n°130" in html  # both routings in history


def test_duplicates_are_shown_and_merged_from_the_case_page(client, agent, file_at, point_in):
    lat, lon = point_in(11)
    main = file_at("bruit-rue", at=(lat, lon))
    duplicate = file_at("bruit-etablissement", at=(lat + 0.0005, lon))
    client.force_login(agent)
    html = text(client.get(case_url(main)))
    assert f'id="duplicate-{duplicate.reference}"' in html
    response = client.post(
        case_url(main, "merge"), {"doublons": [duplicate.reference]}, follow=True
    )
    assert "Les doublons sont fusionnés dans ce dossier." in text(response)
    assert Case.objects.get(pk=duplicate.pk).merged_into == main


def test_bulk_close_asks_for_confirmation_first(client, agent, file_at, make_agent):
    first, second = file_at("bruit-rue"), file_at("megots")
    foreign = file_at("bruit-rue", arrondissement=12)
    client.force_login(agent)
    data = {
        "dossiers": [first.reference, second.reference],
        "action": "close",
        "reason": ClosingReason.NOT_OBSERVED,
    }
    response = client.post("/traitement/lot/", data)
    html = text(response)
    assert response.status_code == 200 and 'id="bulk-confirm"' in html
    assert first.reference in html and second.reference in html
    assert Case.objects.filter(pk__in=[first.pk, second.pk], is_open=True).count() == 2
    response = client.post("/traitement/lot/", {**data, "confirm": "1"}, follow=True)
    assert "2 dossier(s) traité(s)" in text(response)
    assert (
        Case.objects.filter(
            pk__in=[first.pk, second.pk], closing_reason=ClosingReason.NOT_OBSERVED
        ).count()
        == 2
    )
    # Another desk's reference cannot be slipped in.
    response = client.post(
        "/traitement/lot/",
        {"dossiers": [foreign.reference], "action": "assign_me", "confirm": "1"},
        follow=True,
    )
    assert Case.objects.get(pk=foreign.pk).assigned_to is None
    assert "Sélectionnez un choix valide" in text(response)


def test_bulk_assign_and_merge(client, agent, make_agent, file_at):
    colleague = make_agent("pm-11")
    cases = [file_at("bruit-rue", email=f"r{i}@example.org") for i in range(3)]
    references = [c.reference for c in cases]
    client.force_login(agent)
    client.post(
        "/traitement/lot/",
        {"dossiers": references, "action": "assign", "agent": colleague.pk, "confirm": "1"},
    )
    assert Case.objects.filter(pk__in=[c.pk for c in cases], assigned_to=colleague).count() == 3
    html = text(client.post("/traitement/lot/", {"dossiers": references, "action": "merge"}))
    assert 'id="bulk-main"' in html
    client.post(
        "/traitement/lot/",
        {"dossiers": references, "action": "merge", "main": references[1], "confirm": "1"},
    )
    merged = Case.objects.filter(merged_into=cases[1])
    assert sorted(c.pk for c in merged) == sorted([cases[0].pk, cases[2].pk])
    assert cases[1].complainants.filter(is_original_reporter=False).count() == 2


def test_bulk_merge_needs_two_cases(client, agent, noise):
    client.force_login(agent)
    response = client.post(
        "/traitement/lot/", {"dossiers": [noise.reference], "action": "merge"}, follow=True
    )
    assert "Sélectionnez au moins deux dossiers à fusionner." in text(response)


def test_queue_page_links_and_overdue_badge(client, agent, file_at):
    now = timezone.now()
    for i in range(55):
        file_at("bruit-rue", received_at=now - timedelta(days=20, minutes=i), email=None)
    client.force_login(agent)
    html = text(client.get("/traitement/"))
    assert html.count('class="overdue"') == 50
    assert 'id="page-next"' in html and 'id="page-first"' not in html
    next_href = re.search(r'href="\?([^"]+)" id="page-next"', html).group(1).replace("&amp;", "&")
    second = text(client.get("/traitement/?" + next_href))
    assert second.count('class="overdue"') == 5 and 'id="page-first"' in second
    assert 'id="page-next"' not in second


def test_administrator_reads_any_desk_queue_without_acting(client, make_agent, noise, paris):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("admin-test", password="x")
    client.force_login(admin)
    assert noise.reference in text(client.get("/traitement/?guichet=pm-11"))
    html = text(client.get(case_url(noise)))
    assert 'id="action-qualify"' not in html
    assert client.post(case_url(noise, "qualify"), {}).status_code == 403


def test_bad_filter_values_are_explained_not_a_500(client, agent, noise):
    client.force_login(agent)
    response = client.get("/traitement/?categorie=999999&statut=nimporte&apres=x.y.z")
    html = text(response)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in html
    assert noise.reference in html  # the unfiltered queue is shown meanwhile
