"""docs/architecture.md, followed in code: one complaint from the web form to the dashboard.

Each step names the function the document names; if the wiring changes, this test and the
document change together.
"""

import re

import pytest
from django.core import mail

from accounts.choices import Role
from doleances.models import Category, Complaint
from observatoire import services as observatory
from observatoire.filters import Filters
from traitement.checks import every_complaint_has_its_case
from traitement.choices import EventKind
from traitement.models import Case


@pytest.mark.django_db(transaction=True)
def test_one_complaint_from_the_web_form_to_the_dashboard(client, paris_live, make_user):
    noise = Category.objects.get(code="bruit-rue")
    observatory.refresh(full=True)
    before = observatory.key_figures(Filters.last_days(30))["total"]

    # guichet.views.report → file_complaint: one transaction stores the complaint and, through
    # complaint_filed → traitement.receivers → open_cases, its routed case.
    response = client.post(
        "/signaler/",
        {
            "category": noise.pk,
            "description": "Musique forte sur le trottoir chaque nuit.",
            "latitude": "48.8665",
            "longitude": "2.3745",
            "contact_email": "habitante@example.org",
            "consent_contact": "on",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    case = Case.objects.select_related("desk").get(pk=complaint.pk)
    assert case.desk is not None and case.routing_reason
    first = case.events.get()
    assert first.kind == EventKind.ROUTED and first.comment == case.routing_reason
    assert every_complaint_has_its_case(databases=["default"]) == []

    # After the transaction: the confirmation e-mail carries complaint.tracking_url(request).
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/suivi/\S+/)", message.body).group(1)
    assert link == f"/suivi/{complaint.reference}/{complaint.tracking_token}/"
    tracking = client.get(link)
    assert tracking.status_code == 200 and complaint.reference in tracking.content.decode()

    # The observatory reads its store, refreshed from what changed since its watermark.
    observatory.refresh()
    after = observatory.key_figures(Filters.last_days(30))
    assert after["total"] == before + 1
    by_arrondissement = observatory.counts_by(Filters.last_days(30), "arrondissement")
    assert next(r for r in by_arrondissement if r["key"] == 11)["count"] >= 1

    # The dashboard page built from those measures, for an analyst.
    client.force_login(make_user(Role.ANALYST))
    page = client.get("/observatoire/")
    assert page.status_code == 200
