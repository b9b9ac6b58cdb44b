"""The Django admin: administrators only. Every model's change list, and one change page
(a guessed object id, for everyone else) per application; the audit trail and its export."""

from territory.models import Sector
from tests.accounts.matrix.common import ADMIN_LOGIN, Page, everyone, only, override

# The Django admin sends anyone who is not an administrator to its own login page.
ADMIN_ONLY = only("administrator", refused=ADMIN_LOGIN, anonymous=ADMIN_LOGIN)
# Screens the administrator reaches but where the admin itself refuses the operation (the
# audit trail is append-only, complaints and photos only come in through the intake).
ADMIN_REFUSED = override(ADMIN_ONLY, 403, "administrator")

ADMIN_CHANGELISTS = (
    "auth_group",
    "auth_user",
    "authtoken_tokenproxy",
    "territory_sector",
    "territory_arrondissement",
    "territory_quartier",
    "accounts_partner",
    "accounts_desk",
    "accounts_auditevent",
    "doleances_family",
    "doleances_category",
    "doleances_dansmaruetype",
    "doleances_complaint",
    "doleances_photo",
    "traitement_placetype",
    "traitement_timewindow",
    "traitement_routingrule",
    "open311_apikey",
    "open311_serviceattribute",
    "open311_servicesettings",
    "open311_requestattributes",
    "contrat_contract",
    "contrat_axis",
    "contrat_priority",
    "contrat_action",
    "contrat_decision",
    "contrat_indicator",
    "contrat_indicatorvalue",
    "contrat_computedrefresh",
    *(
        f"prevention_{model}"
        for model in (
            "groupterritory",
            "event",
            "monthlycount",
            "tensionparameters",
            "tensionpair",
            "alertrule",
            "alert",
            "preventionaction",
            "tigpostsyear",
            "radicalisationtraining",
            "schoolholiday",
        )
    ),
    # django-axes' login attempts and lock-outs (who tried which account from where).
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "operations_scheduledtask",
    "operations_outgoingmail",
    "operations_workerheartbeat",
    "django_tasks_database_dbtaskresult",
    *(
        f"victimes_{model}"
        for model in (
            "taxonomy",
            "taxonomyterm",
            "organization",
            "service",
            "location",
            "orientationrecord",
            "categorybridge",
        )
    ),
)
ADMIN_APPS = (
    "auth",
    "authtoken",
    "territory",
    "accounts",
    "doleances",
    "traitement",
    "open311",
    "contrat",
    "prevention",
    "operations",
    "django_tasks_database",
    "victimes",
)
ADMIN_CHANGE_PAGES = {
    "auth_user": lambda w: w["case_agent"].pk,
    "territory_sector": lambda w: Sector.objects.get(code="paris-18").pk,
    "accounts_partner": lambda w: w["desk"].partner_id,
    "accounts_desk": lambda w: w["desk"].pk,
    "accounts_auditevent": lambda w: w["audit_event"].pk,
    "doleances_category": lambda w: w["case_own"].category_id,
    "doleances_complaint": lambda w: w["case_own"].pk,
    "traitement_routingrule": lambda w: w["routing_rule"].pk,
    "open311_apikey": lambda w: w["open311_key_object"].pk,
    "contrat_indicator": lambda w: w["indicators"]["partner"].pk,
    "prevention_groupterritory": lambda w: w["prevention"]["zone"].pk,
    "victimes_service": lambda w: w["service"].pk,
}
ADMIN_PAGES = [
    Page("admin:index", ADMIN_ONLY),
    Page("admin:login", override(everyone(), 302, "administrator")),
    # GET is refused (405) to administrators; anyone else is sent back to the admin's index.
    Page("admin:logout", override(everyone(302), 405, "administrator")),
    Page("admin:password_change", ADMIN_ONLY),
    Page("admin:password_change_done", ADMIN_ONLY),
    Page("admin:jsi18n", ADMIN_ONLY),
    Page(
        "admin:autocomplete",
        ADMIN_ONLY,
        query={"app_label": "accounts", "model_name": "profile", "field_name": "desk"},
    ),
    Page(
        "admin:view_on_site",
        override(ADMIN_ONLY, 404, "administrator"),
        args=lambda w: (w["desk_content_type"], w["desk"].pk),
        label="model without a public page",
    ),
    *(Page("admin:app_list", ADMIN_ONLY, args=(app,)) for app in ADMIN_APPS),
    *(Page(f"admin:{model}_changelist", ADMIN_ONLY) for model in ADMIN_CHANGELISTS),
    *(
        Page(f"admin:{model}_change", ADMIN_ONLY, args=lambda w, pk=pk: (pk(w),))
        for model, pk in ADMIN_CHANGE_PAGES.items()
    ),
    Page("admin:auth_user_password_change", ADMIN_ONLY, args=lambda w: (w["case_agent"].pk,)),
    Page("admin:auth_user_add", ADMIN_ONLY),
    Page("admin:accounts_auditevent_add", ADMIN_REFUSED),
    Page(
        "admin:accounts_auditevent_delete",
        ADMIN_REFUSED,
        args=lambda w: (w["audit_event"].pk,),
    ),
    Page("admin:doleances_complaint_add", ADMIN_REFUSED),
    Page("admin:doleances_complaint_delete", ADMIN_REFUSED, args=lambda w: (w["case_own"].pk,)),
    Page("admin:doleances_photo_add", ADMIN_REFUSED),
    Page("admin:traitement_routingrule_tester", ADMIN_ONLY),
    Page(
        "admin:doleances_complaint_history",
        ADMIN_ONLY,
        args=lambda w: (w["case_own"].pk,),
    ),
    # The audit trail and its export.
    Page("accounts:audit", only("administrator")),
    Page("accounts:audit", only("administrator"), query={"action": "login"}),
    Page("accounts:audit", only("administrator", status=400), query={"since": "hier"}),
    Page("accounts:audit-export", only("administrator")),
    Page("accounts:audit-export", only("administrator"), query={"action": "export"}),
    Page("accounts:audit-export", only("administrator", status=400), query={"since": "hier"}),
]
