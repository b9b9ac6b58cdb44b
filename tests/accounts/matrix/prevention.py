"""Prevention (axe 1): places, pairs of territories, events, alerts — never a person. The
register, graph and alerts are for prevention partners (the world's works the 18th), the
coordinator of the sector (paris-18) and administrators; partners and administrators
enter; steering roles see aggregates only; the radicalisation page is public."""

from tests.accounts.matrix.common import OBSERVATORY_ROLES, Page, everyone, only, override

PREVENTION_REGISTER = ("prevention_partner", "cspa_coordinator", "administrator")
PREVENTION_ENTRY = ("prevention_partner", "administrator")
PREVENTION_AGGREGATES = (*OBSERVATORY_ROLES, "cspa_coordinator", "prevention_partner")
OTHER_TERRITORY = ("prevention_partner", "cspa_coordinator")


def prevention_event(w) -> dict:
    return {
        "partenaire": "ville-paris",
        "kind": "tension",
        "day": "2026-01-10",
        "slot": "9",
        "quartier": w["prevention"]["quartier18"],
        "territories": list(w["prevention"]["pair18"]),
        "size_band": "6-15",
        "weapon": "aucune",
        "injured_band": "0",
        "minors_involved": "inconnu",
        "near_school": "non",
        "follow_up": "mediation",
    }


def alert_pk(key):
    return lambda w: (w["prevention"][key].pk,)


PREVENTION_PAGES = [
    Page("prevention:home", only(*PREVENTION_REGISTER)),
    Page("prevention:graph", only(*PREVENTION_REGISTER)),
    Page("prevention:pair", only(*PREVENTION_REGISTER), args=lambda w: w["prevention"]["pair18"]),
    Page(
        "prevention:pair",
        override(only(*PREVENTION_REGISTER), 404, *OTHER_TERRITORY),
        args=lambda w: w["prevention"]["pair13"],
        label="other territory",
    ),
    Page("prevention:events", only(*PREVENTION_REGISTER)),
    Page(
        "prevention:events",
        only(*PREVENTION_ENTRY, status=302),
        method="post",
        data=prevention_event,
    ),
    Page(
        "prevention:events",
        only(*PREVENTION_ENTRY, status=400),
        method="post",
        data=lambda w: {**prevention_event(w), "day": "2999-01-01"},
        label="future day",
    ),
    Page("prevention:events-import", only(*PREVENTION_ENTRY, status=400), method="post"),
    Page("prevention:events-import", everyone(405)),
    Page("prevention:alerts", only(*PREVENTION_REGISTER)),
    Page(
        "prevention:alerts",
        only(*PREVENTION_ENTRY, status=302),
        method="post",
        data=lambda w: {
            "partenaire": "ville-paris",
            "territories": list(w["prevention"]["pair18"]),
            "level": "elevee",
            "horizon_hours": "48",
        },
    ),
    Page("prevention:alert", only(*PREVENTION_REGISTER), args=alert_pk("alert18")),
    Page(
        "prevention:alert",
        override(only(*PREVENTION_REGISTER), 404, *OTHER_TERRITORY),
        args=alert_pk("alert13"),
        label="other territory",
    ),
    Page(
        "prevention:alert",
        override(only(*PREVENTION_REGISTER), 404, *PREVENTION_REGISTER),
        args=(999999,),
        label="unknown",
    ),
    Page(
        "prevention:alert-ack",
        only(*PREVENTION_ENTRY, status=302),
        args=alert_pk("alert18"),
        method="post",
        data={"partenaire": "ville-paris", "actions": ["mediateurs"]},
    ),
    Page(
        "prevention:alert-ack",
        override(only("administrator", status=302), 404, "prevention_partner"),
        args=alert_pk("alert13"),
        method="post",
        data={"partenaire": "ville-paris"},
        label="other territory",
    ),
    Page("prevention:alert-ack", everyone(405), args=alert_pk("alert18")),
    Page(
        "prevention:alert-close",
        only(*PREVENTION_ENTRY, status=302),
        args=alert_pk("alert18"),
        method="post",
        data={"partenaire": "ville-paris", "outcome": "evitee"},
    ),
    Page(
        "prevention:alert-close",
        override(only("administrator", status=302), 404, "prevention_partner"),
        args=alert_pk("alert13"),
        method="post",
        data={"partenaire": "ville-paris", "outcome": "rien"},
        label="other territory",
    ),
    Page("prevention:alert-close", everyone(405), args=alert_pk("alert18")),
    Page("prevention:actions", only(*PREVENTION_REGISTER)),
    Page(
        "prevention:actions",
        only(*PREVENTION_ENTRY, status=400),
        method="post",
        label="no file",
    ),
    Page("prevention:entries", only(*PREVENTION_ENTRY)),
    Page(
        "prevention:entries",
        only(*PREVENTION_ENTRY, status=302),
        method="post",
        data=lambda w: {
            "partenaire": "ville-paris",
            "tig-host": str(w["prevention"]["tig_host"].pk),
            "tig-year": "2025",
            "tig-posts_offered": "4",
            "tig-posts_filled": "2",
        },
    ),
    Page("prevention:figures", only(*PREVENTION_AGGREGATES)),
    Page("prevention:radicalisation", everyone()),
    *(
        page
        for auth in ("session", "token")
        for page in (
            Page(
                "prevention:api-events",
                only(*PREVENTION_REGISTER, anonymous=401),
                auth=auth,
            ),
            Page(
                "prevention:api-events",
                only(*PREVENTION_ENTRY, status=400, anonymous=401),
                method="post",
                data=lambda w: {**prevention_event(w), "commentaire": "texte libre"},
                content_type="application/json",
                auth=auth,
                label="unknown field",
            ),
        )
    ),
]
