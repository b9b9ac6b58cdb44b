"""Case work: routing at intake, the workflow, answers and merges (what residents see and do
of a case — following it, its public timeline — is `traitement.public`).

This module is the only writer of `Complaint.status`. Every change goes through `_transition`,
which checks the state machine, records a `CaseEvent` (actor, time, from/to, internal note and
public message apart) and, for public changes, e-mails every reporter and follower.

Workflow (French labels in doleances.choices.Status; Open311's mapping in open311.choices):

    new ──qualify──▶ qualified ──assign──▶ assigned ──start──▶ in_progress ──answer──▶ answered
     │                  │   └──────start / answer──────────────────┘ │                    │
     └────────── close (resolved, not observed, outside remit, duplicate, referred) ──▶ closed
    answered / closed ──reopen──▶ qualified
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Desk
from core.db import COPY_MIN_ROWS, insert_rows, insert_rows_then
from doleances.choices import OPEN_STATUSES, Priority, Status
from doleances.models import Category, Complainant, Complaint
from doleances.services import IntakeError
from traitement.choices import ClosingReason, EventKind
from traitement.models import Case, CaseEvent, PlaceType
from traitement.notifications import send_to_residents
from traitement.routing import REVISION_QUERY, RoutingTable


class WorkflowError(Exception):
    """An action refused on a case; the message is French and meant for the agent."""


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sources: frozenset[str]
    target: str
    public: bool


S = Status
ACTIONS = {
    a.code: a
    for a in [
        Action("qualify", gettext_lazy("Qualifier"), frozenset({S.NEW}), S.QUALIFIED, True),
        Action(
            "assign",
            gettext_lazy("Attribuer"),
            frozenset({S.NEW, S.QUALIFIED, S.ASSIGNED, S.IN_PROGRESS}),
            S.ASSIGNED,
            False,
        ),
        Action(
            "start",
            gettext_lazy("Commencer le traitement"),
            frozenset({S.QUALIFIED, S.ASSIGNED}),
            S.IN_PROGRESS,
            True,
        ),
        Action(
            "answer",
            gettext_lazy("Répondre"),
            frozenset({S.QUALIFIED, S.ASSIGNED, S.IN_PROGRESS}),
            S.ANSWERED,
            True,
        ),
        Action(
            "close",
            gettext_lazy("Clôturer"),
            frozenset({S.NEW, S.QUALIFIED, S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED}),
            S.CLOSED,
            True,
        ),
        Action(
            "reopen", gettext_lazy("Rouvrir"), frozenset({S.ANSWERED, S.CLOSED}), S.QUALIFIED, True
        ),
    ]
}

CLOSING_MESSAGES = {
    ClosingReason.RESOLVED: gettext_lazy("Le problème signalé a été traité."),
    ClosingReason.NOT_OBSERVED: gettext_lazy("Le problème n'a pas été constaté sur place."),
    ClosingReason.OUTSIDE_REMIT: gettext_lazy(
        "Ce signalement ne relève pas de la compétence des partenaires du contrat."
    ),
    ClosingReason.DUPLICATE: gettext_lazy(
        "Ce signalement a été regroupé avec le signalement %(main)s, déjà en cours de "
        "traitement : vous recevrez ses nouvelles."
    ),
    ClosingReason.REFERRED: gettext_lazy(
        "Ce signalement a été transmis à un autre organisme compétent."
    ),
}


# Re-routing, merging into and duplicate search concern cases still to be worked.
REROUTABLE = frozenset(OPEN_STATUSES)


def allowed_actions(status: str) -> list[Action]:
    return [a for a in ACTIONS.values() if status in a.sources]


def due_date(received_at, category: Category):
    return received_at + timedelta(days=category.answer_deadline_days)


# --- intake: one case per complaint ---------------------------------------------------------


def open_cases(complaints: list[Complaint], table: RoutingTable | None = None) -> None:
    """Route new complaints and create their cases in bulk (a few queries for any batch)."""
    if not complaints:
        return
    if table is None and connection.vendor == "postgresql" and len(complaints) < COPY_MIN_ROWS:
        # Intake: this process's table is used without asking first whether the rules moved;
        # the revision is read in the statement that writes the rows. If it moved (an edit,
        # even one rolled back since), the rows are undone and written again with a fresh
        # table — rare, and routing still follows every edit at once.
        cached, token = RoutingTable.cached()
        if cached is not None:
            writes = _case_rows(complaints, cached)
            [(now_token,)] = insert_rows_then(
                list(zip((Case, Case.copy_desks.through, CaseEvent), writes, strict=True)),
                REVISION_QUERY,
            )
            if now_token == token:
                return
            ids = [complaint.pk for complaint in complaints]
            CaseEvent.objects.filter(case_id__in=ids).delete()
            Case.copy_desks.through.objects.filter(case_id__in=ids).delete()
            Case.objects.filter(pk__in=ids).delete()
    cases, copies, events = _case_rows(complaints, table or RoutingTable.current())
    # Intake's cost: a whole import writes these three tables (see core.db and bench/imports.py).
    insert_rows(Case, cases)
    insert_rows(Case.copy_desks.through, copies)
    insert_rows(CaseEvent, events)


def _case_rows(complaints: list[Complaint], table: RoutingTable):
    """The cases, their copy desks and their first events of these complaints, as rows."""
    # Rows rather than model instances: building the instances cost more than writing them.
    cases, copies, events = [], [], []
    now = timezone.now()
    decisions = table.route_many(
        (c.category_id, c.arrondissement_id, c.occurred_at or c.received_at, None)
        for c in complaints
    )
    for complaint, decision in zip(complaints, decisions, strict=True):
        status = complaint.status
        desk_id = decision.desk.pk if decision.desk else None
        cases.append(
            {
                "complaint_id": complaint.pk,
                "desk_id": desk_id,
                "routing_rule_id": decision.rule.pk if decision.rule else None,
                "routing_reason": decision.reason,
                "is_open": status in OPEN_STATUSES,
                "priority": complaint.priority,
                "received_at": complaint.received_at,
                "due_at": due_date(complaint.received_at, table.categories[complaint.category_id]),
            }
        )
        copies.extend({"case_id": complaint.pk, "desk_id": d.pk} for d in decision.copy_desks)
        # An import may bring a complaint already worked elsewhere (e.g. closed in DansMaRue):
        # its status then shows in the public timeline from the start.
        events.append(
            {
                "case_id": complaint.pk,
                "at": now,
                "kind": EventKind.ROUTED,
                "from_status": Status.NEW,
                "to_status": status,
                "to_desk_id": desk_id,
                "comment": decision.reason,
                "is_public": status != Status.NEW,
            }
        )
    return cases, copies, events


def case_for(complaint: Complaint) -> Case:
    """The complaint's case. Every complaint has one: intake opens it in the transaction that
    stores the complaint (`open_cases`, on the intake signals), and the `traitement.E001`
    check verifies it."""
    return Case.objects.select_related("desk", "complaint__category").get(pk=complaint.pk)


def set_place_type(complaint: Complaint, place_type: PlaceType | str | None, actor=None) -> Case:
    """Record the kind of place (e.g. "logement-social") given by the form or the API.

    A case still new and never re-routed by hand is routed again with it (social housing at
    night goes to GPIS); otherwise the place type is only recorded.
    """
    if isinstance(place_type, str):
        found = PlaceType.objects.filter(code=place_type, is_active=True).first()
        if found is None:
            raise IntakeError({"place_type": [_("Type de lieu inconnu : %s.") % place_type]})
        place_type = found
    with transaction.atomic():
        case = case_for(complaint)
        case.place_type = place_type
        if complaint.status == Status.NEW and not case.rerouted:
            table = RoutingTable.current()
            decision = table.route(
                category_id=complaint.category_id,
                arrondissement_id=complaint.arrondissement_id,
                moment=complaint.occurred_at or complaint.received_at,
                place_type_id=place_type.pk if place_type else None,
            )
            if decision.desk != case.desk or decision.rule != case.routing_rule:
                CaseEvent.objects.create(
                    case=case,
                    actor=actor,
                    kind=EventKind.ROUTED,
                    from_desk=case.desk,
                    to_desk=decision.desk,
                    comment=decision.reason,
                )
            case.desk, case.routing_rule, case.routing_reason = (
                decision.desk,
                decision.rule,
                decision.reason,
            )
            case.copy_desks.set(decision.copy_desks)
        case.save()
    return case


# --- the workflow ---------------------------------------------------------------------------


def _locked_status(case: Case) -> str:
    """Re-read the status under a row lock so that two agents cannot both act on stale data."""
    status = Complaint.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk)
    case.complaint.status = status
    return status


def _refuse(action: Action, case: Case, status: str):
    possible = ", ".join(str(a.label) for a in allowed_actions(status)) or _("aucune")
    raise WorkflowError(
        _(
            "Action « %(action)s » impossible : la doléance %(reference)s est « %(status)s ». "
            "Actions possibles : %(possible)s."
        )
        % {
            "action": action.label,
            "reference": case.complaint.reference,
            "status": Status(status).label,
            "possible": possible,
        }
    )


def _transition(
    case: Case,
    actor,
    code: str,
    *,
    comment: str = "",
    public_message: str = "",
    kind: str = EventKind.TRANSITION,
    target: str | None = None,
) -> CaseEvent:
    """Check and apply one action inside the caller's transaction; returns its event."""
    action = ACTIONS[code]
    status = _locked_status(case)
    if status not in action.sources:
        _refuse(action, case, status)
    target = target or action.target
    now = timezone.now()
    Complaint.objects.filter(pk=case.pk).update(status=target, updated_at=now)
    case.complaint.status = target
    case.is_open = target in OPEN_STATUSES
    is_public = action.public and target != status
    event = CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        from_status=status,
        to_status=target,
        comment=comment,
        public_message=public_message,
        is_public=is_public,
    )
    if is_public and kind != EventKind.ANSWER:
        send_to_residents(
            case.complaint,
            "status",
            {"status_label": str(Status(target).label), "message": public_message},
        )
    return event


@transaction.atomic
def qualify(
    case: Case,
    actor,
    *,
    category: Category | None = None,
    priority: int | None = None,
    place_type: PlaceType | None = None,
    comment: str = "",
) -> Case:
    """Confirm (or correct) category, priority and place type: the desk takes the case."""
    complaint = case.complaint
    category = category if category is not None and category.pk != complaint.category_id else None
    priority = priority if priority is not None and priority != complaint.priority else None
    place_type = place_type if place_type is not None and place_type != case.place_type else None
    changes = []
    if category:
        changes.append(
            _("catégorie : %(old)s → %(new)s") % {"old": complaint.category, "new": category}
        )
    if priority:
        changes.append(
            _("priorité : %(old)s → %(new)s")
            % {"old": Priority(complaint.priority).label, "new": Priority(priority).label}
        )
    if place_type:
        changes.append(_("type de lieu : %(new)s") % {"new": place_type})
    note = "\n".join([*changes, comment] if comment else changes)
    _transition(
        case,
        actor,
        "qualify",
        comment=note,
        public_message=_("Votre signalement a été pris en compte par : %(desk)s.")
        % {"desk": case.desk.name if case.desk else _("le service compétent")},
    )
    if category:
        complaint.category = category
        case.due_at = due_date(case.received_at, category)
    if priority:
        complaint.priority = case.priority = priority
    if place_type:
        case.place_type = place_type
    Complaint.objects.filter(pk=complaint.pk).update(
        category=complaint.category, priority=complaint.priority
    )
    case.save()
    return case


def desk_agents(desk: Desk | None):
    """Active users working for a desk (who a case can be assigned to)."""
    user_model = get_user_model()
    if desk is None:
        return user_model.objects.none()
    return user_model.objects.filter(is_active=True, profile__desk=desk).order_by(
        "last_name", "first_name", "username"
    )


@transaction.atomic
def assign(case: Case, actor, agent, *, comment: str = "") -> Case:
    """Give the case to an agent of its desk; a case already assigned or in progress keeps
    its status (re-assignment)."""
    if not desk_agents(case.desk).filter(pk=agent.pk).exists():
        raise WorkflowError(
            _("%(agent)s ne fait pas partie du guichet %(desk)s.")
            % {"agent": agent.get_full_name() or agent.get_username(), "desk": case.desk or "—"}
        )
    status = _locked_status(case)
    who = agent.get_full_name() or agent.get_username()
    note = _("attribuée à %(agent)s") % {"agent": who}
    note = f"{note}\n{comment}" if comment else note
    if status in (Status.ASSIGNED, Status.IN_PROGRESS):
        CaseEvent.objects.create(
            case=case,
            actor=actor,
            kind=EventKind.ASSIGNED,
            from_status=status,
            to_status=status,
            comment=note,
        )
    else:
        _transition(case, actor, "assign", comment=note, kind=EventKind.ASSIGNED)
    case.assigned_to = agent
    case.save()
    return case


@transaction.atomic
def start(case: Case, actor, *, comment: str = "") -> Case:
    """The agent starts working the case (it becomes theirs if nobody had it)."""
    _transition(
        case,
        actor,
        "start",
        comment=comment,
        public_message=_("Votre signalement est en cours de traitement."),
    )
    if case.assigned_to_id is None and actor is not None:
        case.assigned_to = actor
    case.save()
    return case


@transaction.atomic
def answer(case: Case, actor, text: str, *, comment: str = "") -> Case:
    """Publish the answer to the reporters: status "answered", e-mail to each of them."""
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("Rédigez la réponse au déclarant avant de l'envoyer."))
    _transition(case, actor, "answer", comment=comment, public_message=text, kind=EventKind.ANSWER)
    case.answer = text
    case.answered_at = timezone.now()
    case.save()
    send_to_residents(
        case.complaint,
        "answer",
        {"message": text, "desk_name": case.desk.name if case.desk else _("Le service compétent")},
    )
    return case


@transaction.atomic
def close(case: Case, actor, reason: str, *, message: str = "", comment: str = "") -> Case:
    """Close with one of the closing reasons; residents get the reason and the message."""
    if reason not in ClosingReason.values:
        raise WorkflowError(_("Choisissez un motif de clôture."))
    if reason == ClosingReason.DUPLICATE and not case.merged_into_id:
        raise WorkflowError(_("Pour un doublon, fusionnez-le dans le dossier principal."))
    public = CLOSING_MESSAGES[ClosingReason(reason)] % {
        "main": case.merged_into.reference if case.merged_into_id else ""
    }
    if message.strip():
        public = f"{public}\n\n{message.strip()}"
    _transition(
        case,
        actor,
        "close",
        comment=comment or str(ClosingReason(reason).label),
        public_message=public,
    )
    case.closing_reason = reason
    case.closed_at = timezone.now()
    case.save()
    return case


@transaction.atomic
def reopen(case: Case, actor, reason: str) -> Case:
    """Reopen an answered or closed case; it is due again after its category's deadline."""
    if not (reason or "").strip():
        raise WorkflowError(_("Indiquez pourquoi la doléance est rouverte."))
    _transition(
        case,
        actor,
        "reopen",
        comment=reason.strip(),
        public_message=_("Votre signalement a été rouvert et va être traité à nouveau."),
    )
    case.closing_reason = ""
    case.closed_at = None
    case.merged_into = None
    case.due_at = due_date(timezone.now(), case.complaint.category)
    case.save()
    return case


@transaction.atomic
def reroute(case: Case, actor, desk: Desk, reason: str) -> Case:
    """Send an open case to another desk, with the reason; the history keeps both routings.

    An assignment does not follow the case: a case assigned or in progress goes back to
    "qualified" for the new desk (an internal change, residents are not e-mailed).
    """
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Indiquez le motif de la réorientation."))
    status = _locked_status(case)
    if status not in REROUTABLE:
        raise WorkflowError(
            _("La doléance %(reference)s est « %(status)s » : rouvrez-la avant de la réorienter.")
            % {"reference": case.complaint.reference, "status": Status(status).label}
        )
    if desk is None or not desk.is_active:
        raise WorkflowError(_("Choisissez un guichet actif."))
    if desk.pk == case.desk_id:
        raise WorkflowError(_("La doléance est déjà à ce guichet."))
    target = Status.QUALIFIED if status in (Status.ASSIGNED, Status.IN_PROGRESS) else status
    if target != status:
        Complaint.objects.filter(pk=case.pk).update(status=target, updated_at=timezone.now())
        case.complaint.status = target
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=EventKind.REROUTED,
        from_status=status,
        to_status=target,
        from_desk=case.desk,
        to_desk=desk,
        comment=reason,
    )
    case.desk = desk
    case.rerouted = True
    case.routing_reason = (
        _("réorientée vers %(desk)s : %(reason)s") % {"desk": desk.name, "reason": reason}
    )[:500]
    case.assigned_to = None
    case.save()
    return case


def add_note(case: Case, actor, text: str) -> CaseEvent:
    """An internal note: never shown nor sent to residents."""
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("La note est vide."))
    return CaseEvent.objects.create(case=case, actor=actor, kind=EventKind.NOTE, comment=text)


@transaction.atomic
def merge(main: Case, duplicates: Iterable[Case], actor, *, comment: str = "") -> list[Case]:
    """Close duplicates into the main case; their reporters become followers of the main case
    and therefore keep receiving its news (they are told by e-mail)."""
    main_status = _locked_status(main)
    if main_status not in REROUTABLE:
        raise WorkflowError(
            _("Le dossier principal %(reference)s doit être ouvert pour recevoir des doublons.")
            % {"reference": main.complaint.reference}
        )
    merged = []
    known = {
        e.lower()
        for e in Complainant.objects.filter(complaint_id=main.pk).values_list("email", flat=True)
        if e
    }
    for duplicate in duplicates:
        if duplicate.pk == main.pk:
            raise WorkflowError(_("Un dossier ne peut pas être fusionné avec lui-même."))
        duplicate.merged_into = main.complaint
        for person in Complainant.objects.filter(
            complaint_id=duplicate.pk, erased_at__isnull=True
        ).order_by("pk"):
            if person.email and person.email.lower() in known:
                continue
            known.add(person.email.lower())
            # Who had proven their address (by filing, or by confirming) keeps the news, with
            # a link of their own to the main case; an unconfirmed follower stays unconfirmed.
            proven = person.is_original_reporter or person.confirmed_at is not None
            Complainant.objects.create(
                complaint_id=main.pk,
                name=person.name,
                email=person.email,
                phone=person.phone,
                consent_contact=person.consent_contact,
                is_original_reporter=False,
                confirmed_at=timezone.now() if proven else None,
                tracking_nonce=secrets.token_hex(16) if proven else "",
            )
        close(duplicate, actor, ClosingReason.DUPLICATE, comment=comment)
        CaseEvent.objects.create(
            case=main,
            actor=actor,
            kind=EventKind.MERGED,
            comment=_("%(reference)s fusionnée dans ce dossier.")
            % {"reference": duplicate.complaint.reference}
            + (f"\n{comment}" if comment else ""),
        )
        merged.append(duplicate)
    return merged


@dataclass
class BulkResult:
    done: list[Case]
    refused: list[tuple[Case, str]]


def bulk_apply(cases: Iterable[Case], operation, *args, **kwargs) -> BulkResult:
    """Apply one service function to many cases; each succeeds or fails alone (savepoint)."""
    result = BulkResult([], [])
    for case in cases:
        try:
            with transaction.atomic():
                operation(case, *args, **kwargs)
            result.done.append(case)
        except WorkflowError as exc:
            result.refused.append((case, str(exc)))
    return result
