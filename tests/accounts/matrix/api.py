"""Partners' REST API, with a session or with a token: lists are scoped; a complaint out of
one's scope answers 404 (its existence is not disclosed), like an unknown reference."""

from tests.accounts.matrix.common import (
    CASE_DESK,
    CASE_STAFF,
    EMAIL,
    LAT,
    LON,
    STAFF,
    UNKNOWN_REFERENCE,
    Page,
    complaint_ref,
    everyone,
    only,
    override,
)

# No session or token is a 401; complaints out of scope do not exist.
API_LIST = override(everyone(), 401, "anonymous")


def api_detail(*allowed) -> dict:
    return only(*allowed, refused=404, anonymous=401)


API_COMPLAINT = {"category": "bruit-rue", "latitude": LAT, "longitude": LON}

API_PAGES = [
    *(
        page
        for auth in ("session", "token")
        for page in (
            Page("guichet-api:categories", everyone(), auth=auth),
            Page(
                "guichet-api:complaints",
                API_LIST,
                auth=auth,
                hidden=lambda w: EMAIL,  # never personal data in a list
            ),
            Page(
                "guichet-api:complaint",
                api_detail(*CASE_STAFF),
                args=complaint_ref("case_own"),
                auth=auth,
                label="own desk",
            ),
            Page(
                "guichet-api:complaint",
                api_detail(*CASE_STAFF),
                args=complaint_ref("case_copy"),
                auth=auth,
                label="copy",
                hidden=lambda w: EMAIL,  # a copy desk reads the case, not who filed it
                hidden_from=CASE_DESK,
            ),
            Page(
                "guichet-api:complaint",
                api_detail("desk_supervisor", "administrator"),
                args=complaint_ref("case_other_territory"),
                auth=auth,
                label="own desk, other territory",
            ),
            Page(
                "guichet-api:complaint",
                api_detail("administrator"),
                args=complaint_ref("case_other_desk"),
                auth=auth,
                label="other desk",
            ),
            Page(
                "guichet-api:complaint",
                api_detail(),
                args=(UNKNOWN_REFERENCE,),
                auth=auth,
                label="unknown",
            ),
            Page(
                "guichet-api:complaint",
                override(api_detail(), 405, *STAFF),
                args=complaint_ref("case_own"),
                method="delete",
                auth=auth,
            ),
        )
    ),
    # Filing is for partners' systems: a token of an account with a partner (or an
    # administrator's); never a browser session.
    Page(
        "guichet-api:complaints",
        override(everyone(403), 401, "anonymous"),
        method="post",
        data=API_COMPLAINT,
        content_type="application/json",
    ),
    Page(
        "guichet-api:complaints",
        only(*CASE_STAFF, "victim_support", "prevention_partner", status=201, anonymous=401),
        method="post",
        data=API_COMPLAINT,
        content_type="application/json",
        auth="token",
    ),
]
