from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from traitement.choices import ALL_DAYS, Weekday
from traitement.forms import RuleTesterForm
from traitement.models import PlaceType, RoutingRule, TimeWindow
from traitement.routing import RoutingTable


@admin.register(PlaceType)
class PlaceTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "is_active"]
    search_fields = ["label", "code"]


class TimeWindowForm(forms.ModelForm):
    days = forms.TypedMultipleChoiceField(
        label=_("Jours où la plage commence"),
        choices=[(str(d.value), d.label) for d in Weekday],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TimeWindow
        fields = ["code", "label", "starts_at", "ends_at", "days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["days"] = list(self.instance.days if self.instance.pk else ALL_DAYS)

    def clean_days(self):
        return "".join(sorted(self.cleaned_data["days"]))


@admin.register(TimeWindow)
class TimeWindowAdmin(admin.ModelAdmin):
    form = TimeWindowForm
    list_display = ["label", "code", "starts_at", "ends_at", "days_label"]

    @admin.display(description=_("jours"))
    def days_label(self, obj):
        return obj.days_label()


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "name",
        "criteria",
        "time_window",
        "place_type",
        "target",
        "is_active",
    ]
    list_display_links = ["order", "name"]
    list_filter = ["is_active", "partner", "desk", "time_window", "place_type", "family"]
    list_editable = ["is_active"]
    search_fields = ["name", "note", "category__label", "family__label"]
    filter_horizontal = ["arrondissements", "sectors", "copy_desks"]
    fieldsets = [
        (None, {"fields": ["order", "name", "is_active", "note"]}),
        (_("Quelles doléances"), {"fields": ["family", "category", "place_type", "time_window"]}),
        (_("Où (vide : tout Paris)"), {"fields": ["sectors", "arrondissements"]}),
        (_("Vers qui"), {"fields": ["desk", "partner", "copy_desks"]}),
    ]
    change_list_template = "admin/traitement/routingrule/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category", "family", "desk", "partner", "time_window", "place_type")
        )

    @admin.display(description=_("catégorie ou famille"))
    def criteria(self, obj):
        return obj.category or obj.family or _("toutes")

    @admin.display(description=_("destinataire"))
    def target(self, obj):
        if obj.desk_id:
            return obj.desk
        return format_html("{} <em>{}</em>", obj.partner, _("(guichet territorial)"))

    def get_urls(self):
        tester = self.admin_site.admin_view(self.tester_view)
        return [
            path("tester/", tester, name="traitement_routingrule_tester"),
            *super().get_urls(),
        ]

    def tester_view(self, request):
        """Which desk a complaint of this category, place and time would reach, and why."""
        form = RuleTesterForm(request.GET or None)
        decision = None
        if form.is_valid():
            data = form.cleaned_data
            decision = RoutingTable.load().route(
                category_id=data["category"].pk,
                arrondissement_id=data["arrondissement"].pk,
                moment=data["moment"],
                place_type_id=data["place_type"].pk if data["place_type"] else None,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Tester les règles d'orientation"),
            "form": form,
            "decision": decision,
            "rule_url": reverse("admin:traitement_routingrule_change", args=[decision.rule.pk])
            if decision and decision.rule
            else None,
        }
        return TemplateResponse(request, "admin/traitement/rule_tester.html", context)
