"""Victim support: anonymous orientation records, where help is missing, and complaints
copied to the victim-support desk."""

from tests.accounts.matrix.common import EMAIL, Page, complaint_ref, only, override

# Anonymous orientation records: a victim-support worker enters their desk's, an
# administrator reads them all; no other role sees them.
RECORD = {
    "day": "2026-03-02",
    "situations": ["violences-conjugales"],
    "role": "victime",
    "age_band": "25-59",
    "referred_by": "police",
}
VICTIMS_PAGES = [
    Page("victimes:orientations", only("victim_support", "administrator")),
    Page(
        "victimes:orientations",
        override(only(status=403), 400, "victim_support"),
        method="post",
        label="empty form",
    ),
    Page("victimes:tally", only("victim_support")),
    *(
        Page(
            "victimes-api:orientations",
            override(only("victim_support", "administrator", anonymous=401), 401, "anonymous"),
            auth=auth,
        )
        for auth in ("session", "token")
    ),
    Page(
        "victimes-api:orientations",
        only("victim_support", status=201, anonymous=401),
        method="post",
        data=RECORD,
        content_type="application/json",
        auth="token",
    ),
    Page(
        "victimes-api:orientations",
        only("victim_support", status=400, anonymous=401),
        method="post",
        data={**RECORD, "nom": "Dupont"},
        content_type="application/json",
        auth="token",
        label="unknown field",
    ),
    # Where help is missing: coordinators, pilots, analysts, victim support, administrators.
    *(
        Page(
            name,
            only(
                "cspa_coordinator", "contract_pilot", "analyst", "victim_support", "administrator"
            ),
        )
        for name in ("victimes:gaps", "victimes:gaps-csv")
    ),
    # Complaints copied to the victim-support desk: only with the person's consent
    # (`case_vss` was filed without it: 404 for the desk too).
    Page("victimes:cases", only("victim_support")),
    Page(
        "victimes:case",
        only("victim_support"),
        args=complaint_ref("case_consented"),
        label="consent",
    ),
    Page(
        "victimes:case",
        override(only("victim_support"), 404, "victim_support"),
        args=complaint_ref("case_vss"),
        label="no consent",
        hidden=lambda w: EMAIL,
    ),
]
