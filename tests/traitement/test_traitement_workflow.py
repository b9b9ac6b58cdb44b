"""The case state machine: every transition legal or refused in French, history, deadlines,
re-routing and merging."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Desk
from doleances.choices import OPEN_STATUSES, Status
from doleances.models import Category, Complainant
from doleances.services import ContactInput
from traitement import followers as following
from traitement import public, services
from traitement.checks import every_complaint_has_its_case
from traitement.choices import ClosingReason, EventKind
from traitement.models import Case


def drive(case, agent, status):
    """Bring a fresh case to `status` through the legal path."""
    path = {
        Status.NEW: [],
        Status.QUALIFIED: ["qualify"],
        Status.ASSIGNED: ["qualify", "assign"],
        Status.IN_PROGRESS: ["qualify", "assign", "start"],
        Status.ANSWERED: ["qualify", "assign", "start", "answer"],
        Status.CLOSED: ["close"],
    }[status]
    for step in path:
        act(case, agent, step)
    assert case.complaint.status == status


def act(case, agent, action):
    return {
        "qualify": lambda: services.qualify(case, agent),
        "assign": lambda: services.assign(case, agent, agent),
        "start": lambda: services.start(case, agent),
        "answer": lambda: services.answer(case, agent, "Réponse."),
        "close": lambda: services.close(case, agent, ClosingReason.RESOLVED),
        "reopen": lambda: services.reopen(case, agent, "Le problème persiste."),
    }[action]()


# status → {action: resulting status} for the legal ones; anything else must be refused.
LEGAL = {
    Status.NEW: {"qualify": Status.QUALIFIED, "assign": Status.ASSIGNED, "close": Status.CLOSED},
    Status.QUALIFIED: {
        "assign": Status.ASSIGNED,
        "start": Status.IN_PROGRESS,
        "answer": Status.ANSWERED,
        "close": Status.CLOSED,
    },
    Status.ASSIGNED: {
        "assign": Status.ASSIGNED,
        "start": Status.IN_PROGRESS,
        "answer": Status.ANSWERED,
        "close": Status.CLOSED,
    },
    Status.IN_PROGRESS: {
        "assign": Status.IN_PROGRESS,
        "answer": Status.ANSWERED,
        "close": Status.CLOSED,
    },
    Status.ANSWERED: {"close": Status.CLOSED, "reopen": Status.QUALIFIED},
    Status.CLOSED: {"reopen": Status.QUALIFIED},
}
ACTIONS = ["qualify", "assign", "start", "answer", "close", "reopen"]


@pytest.mark.parametrize("status", list(LEGAL))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_is_legal_or_refused_in_french(file_at, agent, status, action):
    complaint = file_at("bruit-rue")
    case = services.case_for(complaint)
    drive(case, agent, status)
    events_before = case.events.count()
    expected = LEGAL[status].get(action)
    if expected is None:
        with pytest.raises(services.WorkflowError) as error:
            act(case, agent, action)
        message = str(error.value)
        assert "impossible" in message and complaint.reference in message
        assert f"est « {Status(status).label} »" in message
        complaint.refresh_from_db()
        assert complaint.status == status
        assert case.events.count() == events_before
    else:
        act(case, agent, action)
        complaint.refresh_from_db()
        assert complaint.status == expected
        event = case.events.order_by("-pk").first()
        assert event.actor == agent
        assert (event.from_status, event.to_status) == (status, expected)
        assert Case.objects.get(pk=case.pk).is_open == (expected in OPEN_STATUSES)


def test_refusal_lists_the_possible_actions(file_at, agent):
    case = services.case_for(file_at("bruit-rue"))
    with pytest.raises(services.WorkflowError) as error:
        services.answer(case, agent, "Trop tôt")
    assert str(error.value) == (
        f"Action « Répondre » impossible : la doléance {case.complaint.reference} est "
        "« Nouvelle ». Actions possibles : Qualifier, Attribuer, Clôturer."
    )


def test_events_keep_internal_notes_and_public_messages_apart(file_at, agent):
    case = services.case_for(file_at("bruit-rue"))
    services.qualify(case, agent, comment="Établissement déjà verbalisé")
    services.close(case, agent, ClosingReason.NOT_OBSERVED, message="Patrouille à 23 h.")
    qualify, close = case.events.filter(kind=EventKind.TRANSITION).order_by("pk")
    assert qualify.comment == "Établissement déjà verbalisé"
    assert "Police municipale — division 11e" in qualify.public_message
    assert close.public_message == (
        "Le problème n'a pas été constaté sur place.\n\nPatrouille à 23 h."
    )
    assert close.comment == "Non constaté"
    assert qualify.is_public and close.is_public
    note = services.add_note(case, agent, "Rappeler le gérant")
    assert not note.is_public and note.public_message == ""


def test_assignment_is_internal_and_limited_to_the_desk(file_at, agent, make_agent):
    case = services.case_for(file_at("bruit-rue"))
    colleague = make_agent("pm-11")
    services.assign(case, agent, colleague)
    assert Case.objects.get(pk=case.pk).assigned_to == colleague
    assert not case.events.get(kind=EventKind.ASSIGNED).is_public
    outsider = make_agent("pm-12")
    with pytest.raises(services.WorkflowError, match="ne fait pas partie du guichet"):
        services.assign(case, agent, outsider)


def test_start_assigns_the_agent_when_nobody_has_the_case(file_at, agent):
    case = services.case_for(file_at("bruit-rue"))
    services.qualify(case, agent)
    services.start(case, agent)
    assert Case.objects.get(pk=case.pk).assigned_to == agent


def test_answer_needs_text_and_duplicate_needs_a_merge(file_at, agent):
    case = services.case_for(file_at("bruit-rue"))
    services.qualify(case, agent)
    with pytest.raises(services.WorkflowError, match="Rédigez la réponse"):
        services.answer(case, agent, "   ")
    with pytest.raises(services.WorkflowError, match="fusionnez-le"):
        services.close(case, agent, ClosingReason.DUPLICATE)
    with pytest.raises(services.WorkflowError, match="motif de clôture"):
        services.close(case, agent, "parce-que")
    services.close(case, agent, ClosingReason.RESOLVED)
    with pytest.raises(services.WorkflowError, match="pourquoi"):
        services.reopen(case, agent, "")


def test_due_date_follows_the_category_deadline_and_overdue_flag(file_at, agent):
    received = timezone.now() - timedelta(days=12)
    complaint = file_at("bruit-rue", received_at=received)  # 10-day deadline
    case = Case.objects.get(pk=complaint.pk)
    assert case.due_at == received + timedelta(days=10)
    assert case.is_overdue
    # Re-qualified as a category with a 20-day deadline: no longer overdue.
    services.qualify(case, agent, category=Category.objects.get(code="danger-pietons"))
    case = Case.objects.get(pk=complaint.pk)
    assert case.due_at == received + timedelta(days=20)
    assert not case.is_overdue
    assert case.complaint.category.code == "danger-pietons"
    services.answer(case, agent, "Aménagement prévu.")
    assert not Case.objects.get(pk=complaint.pk).is_overdue  # answered cases are never late


def test_reopening_gives_a_new_deadline(file_at, agent):
    complaint = file_at("bruit-rue", received_at=timezone.now() - timedelta(days=30))
    case = services.case_for(complaint)
    services.close(case, agent, ClosingReason.RESOLVED)
    services.reopen(case, agent, "Nouvelles nuisances")
    case = Case.objects.get(pk=complaint.pk)
    assert case.closing_reason == "" and case.closed_at is None
    assert case.due_at > timezone.now() + timedelta(days=9)
    assert case.is_open and not case.is_overdue


def test_reroute_keeps_both_routings_in_history(file_at, agent, make_agent):
    complaint = file_at("bruit-etablissement", arrondissement=11)
    case = services.case_for(complaint)
    services.qualify(case, agent)
    services.start(case, agent)
    commissariat = Desk.objects.get(code="pp-cmt-11")
    services.reroute(case, agent, commissariat, "Rixe devant l'établissement, police nationale")
    case = Case.objects.get(pk=complaint.pk)
    assert case.desk == commissariat and case.rerouted and case.assigned_to is None
    assert case.complaint.status == Status.QUALIFIED
    assert case.routing_reason.startswith("réorientée vers Commissariat central du 11e")
    routed, rerouted = case.events.filter(kind__in=[EventKind.ROUTED, EventKind.REROUTED]).order_by(
        "pk"
    )
    assert routed.to_desk.code == "pm-11" and routed.comment.startswith("règle n°130")
    assert (rerouted.from_desk.code, rerouted.to_desk.code) == ("pm-11", "pp-cmt-11")
    assert rerouted.comment == "Rixe devant l'établissement, police nationale"
    assert rerouted.actor == agent and not rerouted.is_public
    # A manual routing is not undone by a later place type.
    services.set_place_type(complaint, "logement-social")
    assert Case.objects.get(pk=complaint.pk).desk == commissariat


def test_reroute_refusals(file_at, agent):
    case = services.case_for(file_at("bruit-rue", arrondissement=11))
    with pytest.raises(services.WorkflowError, match="motif de la réorientation"):
        services.reroute(case, agent, Desk.objects.get(code="pm-12"), " ")
    with pytest.raises(services.WorkflowError, match="déjà à ce guichet"):
        services.reroute(case, agent, Desk.objects.get(code="pm-11"), "test")
    services.close(case, agent, ClosingReason.RESOLVED)
    with pytest.raises(services.WorkflowError, match="rouvrez-la"):
        services.reroute(case, agent, Desk.objects.get(code="pm-12"), "test")


def test_merge_keeps_the_duplicate_reporters_informed(
    file_at, agent, django_capture_on_commit_callbacks
):
    main = file_at("bruit-rue", email="premiere@example.org")
    duplicate = file_at("bruit-rue", email="seconde@example.org")
    following.confirm_follow(
        following.follow_complaint(duplicate, ContactInput(email="voisin@example.org"))
    )
    main_case, duplicate_case = services.case_for(main), services.case_for(duplicate)
    with django_capture_on_commit_callbacks(execute=True):
        services.merge(main_case, [duplicate_case], agent)
    duplicate_case = Case.objects.get(pk=duplicate.pk)
    assert duplicate_case.closing_reason == ClosingReason.DUPLICATE
    assert duplicate_case.merged_into == main
    assert duplicate_case.complaint.status == Status.CLOSED
    followers = Complainant.objects.filter(complaint=main, is_original_reporter=False)
    assert sorted(f.email for f in followers) == ["seconde@example.org", "voisin@example.org"]
    # The duplicate's reporters are told where their report went.
    told = {m.to[0]: m.body for m in mail.outbox}
    assert set(told) == {"seconde@example.org", "voisin@example.org"}
    assert main.reference in told["seconde@example.org"]
    assert main_case.events.filter(kind=EventKind.MERGED).count() == 1
    # And they hear the answer of the main case.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.qualify(main_case, agent)
        services.answer(main_case, agent, "L'établissement a été contrôlé.")
    answered = sorted(m.to[0] for m in mail.outbox if "contrôlé" in m.body)
    assert answered == ["premiere@example.org", "seconde@example.org", "voisin@example.org"]


def test_merge_refusals(file_at, agent):
    main = services.case_for(file_at("bruit-rue"))
    other = services.case_for(file_at("bruit-rue"))
    with pytest.raises(services.WorkflowError, match="lui-même"):
        services.merge(main, [main], agent)
    services.close(main, agent, ClosingReason.RESOLVED)
    with pytest.raises(services.WorkflowError, match="doit être ouvert"):
        services.merge(main, [other], agent)
    assert Case.objects.get(pk=other.pk).is_open


def test_bulk_apply_reports_refusals_without_undoing_the_rest(file_at, agent):
    first = services.case_for(file_at("bruit-rue"))
    second = services.case_for(file_at("bruit-rue"))
    services.close(second, agent, ClosingReason.RESOLVED)
    result = services.bulk_apply([first, second], services.close, agent, ClosingReason.NOT_OBSERVED)
    assert result.done == [first]
    assert len(result.refused) == 1 and "impossible" in result.refused[0][1]
    assert Case.objects.get(pk=first.pk).closing_reason == ClosingReason.NOT_OBSERVED
    assert Case.objects.get(pk=second.pk).closing_reason == ClosingReason.RESOLVED


def test_public_case_info_for_open311_and_tracking(file_at, agent):
    complaint = file_at("bruit-rue")
    case = services.case_for(complaint)
    services.qualify(case, agent)
    services.answer(case, agent, "Contrôle effectué.")
    complaint.refresh_from_db()
    info = public.public_case_info(complaint)
    assert info["status"] == Status.ANSWERED
    assert info["status_label"] == "Répondue"
    assert info["answer"] == "Contrôle effectué."
    assert info["desk"] == "Police municipale — division 11e arrondissement"


def test_public_case_infos_in_bulk(file_at, agent, django_assert_max_num_queries):
    complaints = [file_at("bruit-rue", email=None) for _ in range(4)]
    services.close(services.case_for(complaints[0]), agent, ClosingReason.NOT_OBSERVED)
    for complaint in complaints:
        complaint.refresh_from_db()
    with django_assert_max_num_queries(1):
        infos = public.public_case_infos(complaints)
    assert [infos[c.pk]["status"] for c in complaints] == [
        Status.CLOSED,
        Status.NEW,
        Status.NEW,
        Status.NEW,
    ]
    assert infos[complaints[0].pk]["closing_reason"] == "Non constaté"
    assert infos[complaints[3].pk]["desk"] == "Police municipale — division 11e arrondissement"


def test_every_complaint_has_its_case_and_the_check_says_when_not(paris, file_at):
    complaint = file_at("voirie", arrondissement=14)
    assert services.case_for(complaint).desk.code == "ville-voirie"  # opened at intake
    assert every_complaint_has_its_case(databases=["default"]) == []
    Case.objects.filter(pk=complaint.pk).delete()  # what no intake path does
    errors = every_complaint_has_its_case(databases=["default"])
    assert [e.id for e in errors] == ["traitement.E001"]
    assert complaint.reference in errors[0].msg
    with pytest.raises(Case.DoesNotExist):  # reads do not open cases any more
        services.case_for(complaint)
    services.open_cases([complaint])
    assert every_complaint_has_its_case(databases=["default"]) == []
