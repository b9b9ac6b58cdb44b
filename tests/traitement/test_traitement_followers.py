"""Following an existing complaint, and what the resident sees of its treatment."""

import pytest
from django.core import mail

from doleances.choices import Status
from doleances.models import Complainant
from doleances.services import ContactInput, IntakeError
from traitement import followers, public, services
from traitement.choices import ClosingReason


def test_follower_confirms_their_address_then_gets_a_link_of_their_own(
    file_at, django_capture_on_commit_callbacks
):
    complaint = file_at("bruit-rue")
    with django_capture_on_commit_callbacks(execute=True):
        follower = followers.follow_complaint(
            complaint, ContactInput(name="Lou", email="lou@example.org", consent_contact=True)
        )
    assert follower.complaint == complaint
    assert not follower.is_original_reporter
    # First a confirmation, with no tracking link at all.
    [message] = mail.outbox
    assert message.to == ["lou@example.org"] and complaint.reference in message.subject
    assert (
        "/suivi/confirmer/" in message.body and f"/suivi/{complaint.reference}/" not in message.body
    )
    assert follower.tracking_token == ""
    token = message.body.split("/suivi/confirmer/")[1].split("/")[0]
    assert followers.follower_from_confirmation(token) == follower
    assert followers.follower_from_confirmation(token + "x") is None
    with django_capture_on_commit_callbacks(execute=True):
        follower = followers.confirm_follow(follower)
    own = f"/suivi/{complaint.reference}/{follower.tracking_token}/"
    assert follower.tracking_token and follower.tracking_token != complaint.tracking_token
    assert own in mail.outbox[1].body
    assert complaint.tracking_token not in mail.outbox[1].body
    # Revocable: the link dies and the address is erased.
    assert followers.follower_for_token(complaint, follower.tracking_token) == follower
    followers.stop_following(follower)
    assert followers.follower_for_token(complaint, follower.tracking_token) is None
    follower.refresh_from_db()
    assert follower.email == "" and follower.erased_at is not None


def test_an_unconfirmed_follower_hears_nothing_of_the_case(
    file_at, make_agent, django_capture_on_commit_callbacks
):
    complaint = file_at("bruit-rue", email="auteur@example.org")
    followers.follow_complaint(complaint, ContactInput(email="inconnu@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        services.qualify(services.case_for(complaint), make_agent("pm-11"))
    assert [m.to for m in mail.outbox] == [["auteur@example.org"]]


def test_following_twice_with_the_same_address_keeps_one_follower(file_at):
    complaint = file_at("bruit-rue")
    first = followers.follow_complaint(complaint, ContactInput(email="lou@example.org"))
    again = followers.follow_complaint(complaint, ContactInput(email="LOU@example.org"))
    assert first.pk == again.pk
    assert Complainant.objects.filter(complaint=complaint).count() == 2  # reporter + follower


@pytest.mark.parametrize(
    "contact, field",
    [
        (ContactInput(), "contact"),
        (None, "contact"),
        (ContactInput(email="pas-une-adresse"), "email"),
    ],
)
def test_following_needs_a_valid_contact(file_at, contact, field):
    complaint = file_at("bruit-rue")
    with pytest.raises(IntakeError) as error:
        followers.follow_complaint(complaint, contact)
    assert field in error.value.errors
    assert Complainant.objects.filter(complaint=complaint).count() == 1


def test_follower_receives_the_news_of_the_case(
    file_at, make_agent, django_capture_on_commit_callbacks
):
    complaint = file_at("bruit-rue", email="auteur@example.org")
    follower = followers.follow_complaint(complaint, ContactInput(email="voisine@example.org"))
    follower = followers.confirm_follow(follower)
    agent = make_agent("pm-11")
    case = services.case_for(complaint)
    with django_capture_on_commit_callbacks(execute=True):
        services.qualify(case, agent)
        services.answer(case, agent, "Une patrouille passera ce soir.")
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(["auteur@example.org", "voisine@example.org"] * 2)
    answer_mails = [m for m in mail.outbox if "Une patrouille passera ce soir." in m.body]
    assert len(answer_mails) == 2
    # Each with their own link: the follower never receives the reporter's.
    links = {m.to[0]: m.body for m in answer_mails}
    assert complaint.tracking_token in links["auteur@example.org"]
    assert complaint.tracking_token not in links["voisine@example.org"]
    assert follower.tracking_token in links["voisine@example.org"]


def test_public_timeline_shows_public_steps_never_internal_notes(file_at, make_agent):
    complaint = file_at("bruit-rue")
    agent = make_agent("pm-11")
    case = services.case_for(complaint)
    services.qualify(case, agent, comment="Voisin connu du service")
    services.add_note(case, agent, "Appel du gardien : M. Dupont, 3e étage")
    services.assign(case, agent, agent)
    services.start(case, agent)
    services.answer(case, agent, "Le gérant de l'établissement a été rappelé à l'ordre.")
    services.close(case, agent, ClosingReason.RESOLVED)
    timeline = public.public_timeline(complaint)
    assert [e["status"] for e in timeline] == [
        Status.NEW,
        Status.QUALIFIED,
        Status.IN_PROGRESS,
        Status.ANSWERED,
        Status.CLOSED,
    ]
    assert [e["status_label"] for e in timeline] == [
        "Nouvelle",
        "Qualifiée",
        "En cours de traitement",
        "Répondue",
        "Clôturée",
    ]
    assert timeline[0]["at"] == complaint.received_at
    assert complaint.reference in timeline[0]["message"]
    assert timeline[3]["message"] == "Le gérant de l'établissement a été rappelé à l'ordre."
    text = " ".join(e["message"] for e in timeline)
    assert "Dupont" not in text and "Voisin connu" not in text
    assert all(set(e) == {"at", "status", "status_label", "message"} for e in timeline)
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)


def test_timeline_of_a_fresh_complaint_has_its_filing_only(file_at):
    complaint = file_at("bruit-rue")
    timeline = public.public_timeline(complaint)
    assert len(timeline) == 1 and timeline[0]["status"] == Status.NEW
