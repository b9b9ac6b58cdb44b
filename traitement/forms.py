"""Forms of the desk screens; each action form validates input and calls one service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Desk, ordered_desks
from core.dates import in_range, out_of_range_message
from doleances.choices import Priority, Status
from doleances.models import Category
from territory.models import Arrondissement
from traitement import queue, services
from traitement.choices import ClosingReason
from traitement.models import Case, PlaceType

STATUS_FILTERS = [
    ("open", _("Ouvertes")),
    *[(s.value, s.label) for s in Status],
    ("finished", _("Terminées (répondues ou clôturées)")),
    ("all", _("Toutes")),
]


class QueueFilterForm(forms.Form):
    statut = forms.ChoiceField(label=_("Statut"), choices=STATUS_FILTERS, required=False)
    categorie = forms.ModelChoiceField(
        label=_("Catégorie"),
        queryset=Category.objects.select_related("family"),
        required=False,
        empty_label=_("Toutes"),
    )
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"),
        queryset=Arrondissement.objects.defer("geometry"),
        required=False,
        empty_label=_("Tous"),
    )
    en_retard = forms.BooleanField(label=_("En retard seulement"), required=False)
    reference = forms.CharField(label=_("Référence"), required=False, max_length=20)

    def filters(self) -> queue.Filters:
        if not self.is_valid():
            return queue.Filters()
        data = self.cleaned_data
        return queue.Filters(
            status=data["statut"] or "open",
            category_id=data["categorie"].pk if data["categorie"] else None,
            arrondissement_id=data["arrondissement"].pk if data["arrondissement"] else None,
            overdue=data["en_retard"],
            reference=data["reference"],
        )


class CaseActionForm(forms.Form):
    """Base of the case actions: `apply(actor)` calls the service (may raise WorkflowError)."""

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)

    prefix_name = ""


def _comment_field():
    return forms.CharField(
        label=_("Note interne (non communiquée au déclarant)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QualifyForm(CaseActionForm):
    prefix_name = "qualify"
    category = forms.ModelChoiceField(
        label=_("Catégorie"), queryset=Category.objects.filter(is_active=True)
    )
    priority = forms.TypedChoiceField(label=_("Priorité"), choices=Priority.choices, coerce=int)
    place_type = forms.ModelChoiceField(
        label=_("Type de lieu"),
        queryset=PlaceType.objects.filter(is_active=True),
        required=False,
        empty_label=_("Non précisé"),
    )
    comment = _comment_field()

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "category": case.complaint.category_id,
                "priority": case.priority,
                "place_type": case.place_type_id,
            },
        )
        super().__init__(*args, case=case, **kwargs)

    def apply(self, actor):
        data = self.cleaned_data
        return services.qualify(
            self.case,
            actor,
            category=data["category"],
            priority=data["priority"],
            place_type=data["place_type"],
            comment=data["comment"],
        )


class AssignForm(CaseActionForm):
    prefix_name = "assign"
    agent = forms.ModelChoiceField(label=_("Agent du guichet"), queryset=None)
    comment = _comment_field()

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["agent"].queryset = services.desk_agents(case.desk)
        self.fields["agent"].label_from_instance = lambda u: u.get_full_name() or u.username

    def apply(self, actor):
        return services.assign(
            self.case, actor, self.cleaned_data["agent"], comment=self.cleaned_data["comment"]
        )


class StartForm(CaseActionForm):
    prefix_name = "start"
    comment = _comment_field()

    def apply(self, actor):
        return services.start(self.case, actor, comment=self.cleaned_data["comment"])


class AnswerForm(CaseActionForm):
    prefix_name = "answer"
    text = forms.CharField(
        label=_("Réponse au déclarant"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Envoyée par courriel à l'auteur du signalement et à ses suiveurs."),
        max_length=4000,
    )
    comment = _comment_field()

    def apply(self, actor):
        return services.answer(
            self.case, actor, self.cleaned_data["text"], comment=self.cleaned_data["comment"]
        )


CLOSING_CHOICES = [c for c in ClosingReason.choices if c[0] != ClosingReason.DUPLICATE]


class CloseForm(CaseActionForm):
    prefix_name = "close"
    reason = forms.ChoiceField(
        label=_("Motif de clôture"),
        choices=CLOSING_CHOICES,
        help_text=_("Pour un doublon, utilisez la fusion."),
    )
    message = forms.CharField(
        label=_("Message au déclarant (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    comment = _comment_field()

    def apply(self, actor):
        data = self.cleaned_data
        return services.close(
            self.case, actor, data["reason"], message=data["message"], comment=data["comment"]
        )


class ReopenForm(CaseActionForm):
    prefix_name = "reopen"
    reason = forms.CharField(
        label=_("Motif de la réouverture"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def apply(self, actor):
        return services.reopen(self.case, actor, self.cleaned_data["reason"])


class RerouteForm(CaseActionForm):
    prefix_name = "reroute"
    desk = forms.ModelChoiceField(label=_("Nouveau guichet"), queryset=None)
    reason = forms.CharField(
        label=_("Motif de la réorientation"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["desk"].queryset = ordered_desks(
            Desk.objects.filter(is_active=True).exclude(pk=case.desk_id).select_related("partner")
        )

    def apply(self, actor):
        return services.reroute(
            self.case, actor, self.cleaned_data["desk"], self.cleaned_data["reason"]
        )


class NoteForm(CaseActionForm):
    prefix_name = "note"
    text = forms.CharField(
        label=_("Note interne"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible des agents seulement, jamais du déclarant."),
    )

    def apply(self, actor):
        return services.add_note(self.case, actor, self.cleaned_data["text"])


ACTION_FORMS = {
    form.prefix_name: form
    for form in (
        QualifyForm,
        AssignForm,
        StartForm,
        AnswerForm,
        CloseForm,
        ReopenForm,
        RerouteForm,
        NoteForm,
    )
}


BULK_ACTIONS = [
    ("assign_me", _("M'attribuer")),
    ("assign", _("Attribuer à un agent")),
    ("close", _("Clôturer")),
    ("merge", _("Fusionner (doublons)")),
]


class BulkForm(forms.Form):
    """The queue's bulk action; a first POST shows the confirmation, `confirm` applies it."""

    dossiers = forms.MultipleChoiceField(label=_("Dossiers"), choices=())
    action = forms.ChoiceField(label=_("Action groupée"), choices=BULK_ACTIONS)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=None, required=False)
    reason = forms.ChoiceField(label=_("Motif de clôture"), choices=CLOSING_CHOICES, required=False)
    main = forms.ChoiceField(label=_("Dossier principal"), choices=(), required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, references: list[str], agents, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r, r) for r in references]
        self.fields["dossiers"].choices = choices
        self.fields["main"].choices = choices
        self.fields["agent"].queryset = agents
        self.fields["agent"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "assign" and not data.get("agent"):
            self.add_error("agent", _("Choisissez l'agent."))
        if action == "close" and not data.get("reason"):
            self.add_error("reason", _("Choisissez un motif de clôture."))
        if action == "merge":
            if len(data.get("dossiers") or []) < 2:
                self.add_error("dossiers", _("Sélectionnez au moins deux dossiers à fusionner."))
            elif data.get("main") and data["main"] not in data["dossiers"]:
                self.add_error("main", _("Le dossier principal doit faire partie de la sélection."))
        return data


class RuleTesterForm(forms.Form):
    """Admin "rule tester": where would a complaint at this place and time go?"""

    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    arrondissement = forms.ModelChoiceField(
        label=_("ou arrondissement"),
        queryset=Arrondissement.objects.defer("geometry"),
        required=False,
    )
    moment = forms.DateTimeField(
        label=_("Date et heure des faits"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    category = forms.ModelChoiceField(
        label=_("Catégorie"), queryset=Category.objects.select_related("family")
    )
    place_type = forms.ModelChoiceField(
        label=_("Type de lieu"), queryset=PlaceType.objects.all(), required=False
    )

    def clean_moment(self):
        moment = self.cleaned_data["moment"]
        if not in_range(moment):
            raise forms.ValidationError(out_of_range_message(str(self.fields["moment"].label)))
        return moment

    def clean(self):
        from territory.services import locate

        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Indiquez la latitude et la longitude, ou aucune."))
        if lat is not None:
            where = locate(lat, lon)
            if not where["inside_paris"]:
                raise forms.ValidationError(_("Ce point est en dehors de Paris."))
            data["arrondissement"] = Arrondissement.objects.get(pk=where["arrondissement"]["id"])
        elif not data.get("arrondissement"):
            raise forms.ValidationError(
                _("Placez un point (latitude, longitude) ou choisissez un arrondissement.")
            )
        return data
