"""Public pages, open data, the help directory and GeoReport v2: whoever asks."""

from tests.accounts.matrix.common import (
    DESCRIPTION,
    FORM_ENCODED,
    LAT,
    LON,
    UNKNOWN_REFERENCE,
    Page,
    everyone,
)

# A complaint of a service Open311 keeps unpublished (sexual violence) is offered to anyone
# on the report form's "already reported nearby" list (category, date, distance in metres)
# and can be followed by its guessed reference, which hands out its tracking link and sends
# the desk's answer to the follower (guichet/views.py nearby() and follow(),
# guichet/services.py nearby_reports(), guichet/forms.py FollowForm.clean_reference()).
PUBLIC_PAGES = [
    Page("home", everyone()),
    # Operation (issue 12): health is public (no worker runs here: 503); metrics only from
    # the allowed addresses (the test client is 127.0.0.1) — refusals in tests/operations.
    Page("health", everyone(503)),
    Page("metrics", everyone()),
    Page("login", everyone()),
    Page("login", everyone(), method="post", data={"username": "x", "password": "y"}),
    Page("logout", everyone(302), method="post"),
    Page("logout", everyone(405)),
    # The resident's counter: open to everyone, logged in or not.
    Page("guichet:report", everyone()),
    Page("guichet:report", everyone(400), method="post", label="empty form"),
    Page("guichet:confirmation", everyone(302), label="nothing filed"),
    Page(
        "guichet:duplicates",
        everyone(),
        query=lambda w: {"category": w["case_own"].category_id, "lat": LAT, "lon": LON},
        label="near a report of sexual violence",
        hidden=lambda w: w["case_vss"].reference,
    ),
    Page("guichet:duplicates", everyone(400), label="no point"),
    Page(
        "guichet:follow",
        everyone(400),
        method="post",
        data=lambda w: {"reference": w["case_own"].reference, "email": "suivi@example.org"},
        label="reference never offered nearby to this browser",
    ),
    Page(
        "guichet:follow",
        everyone(400),
        method="post",
        data=lambda w: {"reference": w["case_vss"].reference, "email": "suivi@example.org"},
        label="guessed reference of a report of sexual violence",
    ),
    Page("guichet:follow", everyone(405)),
    # The description is only shown back to the browser that filed the complaint.
    Page(
        "guichet:track",
        everyone(),
        args=lambda w: (w["case_own"].reference, w["case_own"].tracking_token),
        hidden=lambda w: DESCRIPTION,
    ),
    Page(
        "guichet:track",
        everyone(404),
        args=lambda w: (w["case_own"].reference, "0" * 24),
        label="guessed token",
    ),
    Page(
        "guichet:track",
        everyone(404),
        args=lambda w: (w["case_other_desk"].reference, w["case_own"].tracking_token),
        label="another complaint's token",
    ),
    # A follower's confirmation link and their own link's « Ne plus suivre »: a forged or
    # expired confirmation, or the reporter's token, reaches nothing.
    Page("guichet:confirm-follow", everyone(404), args=("forge",), label="forged token"),
    Page(
        "guichet:confirm-follow",
        everyone(404),
        args=("forge",),
        method="post",
        label="forged token",
    ),
    Page(
        "guichet:stop-follow",
        everyone(404),
        args=lambda w: (w["case_own"].reference, w["case_own"].tracking_token),
        method="post",
        label="the reporter's own link cannot be revoked by this form",
    ),
    Page(
        "guichet:stop-follow",
        everyone(405),
        args=lambda w: (w["case_own"].reference, w["case_own"].tracking_token),
    ),
    Page("territory:locate", everyone(), query={"lat": LAT, "lon": LON}),
    Page("territory:locate", everyone(400), label="no point"),
    *(Page("territory:geojson", everyone(), args=(level,)) for level in ("quartiers", "secteurs")),
    Page("territory:geojson", everyone(404), args=("iris",), label="unknown level"),
    Page("api-schema", everyone()),
    Page("api-docs", everyone()),
    Page("api-docs", everyone(), query={"script": ""}, label="set-up script"),
    Page("api-redoc", everyone()),
    # Open data: aggregates with small counts suppressed, for everyone.
    *(
        Page("observatoire:opendata", everyone(), kwargs={"fmt": fmt})
        for fmt in ("csv", "geojson", "parquet")
    ),
    Page("observatoire:opendata", everyone(404), kwargs={"fmt": "xlsx"}, label="unknown format"),
    # The help directory (HSDS 3.0): public read, whoever asks.
    *(
        Page(f"hsds:{name}", everyone())
        for name in (
            "index",
            "services",
            "organizations",
            "service-at-locations",
            "taxonomies",
            "taxonomy-terms",
        )
    ),
    Page("hsds:service", everyone(), args=lambda w: (w["service"].pk,)),
    Page("hsds:service", everyone(404), args=("inconnu",), label="unknown"),
    Page("hsds:organization", everyone(), args=lambda w: (w["service"].organization_id,)),
    Page("hsds:service-at-location", everyone(404), args=("inconnu",), label="unknown"),
    Page("hsds:taxonomy", everyone(), args=lambda w: (w["situation"].taxonomy_id,)),
    Page("hsds:taxonomy-term", everyone(), args=lambda w: (w["situation"].pk,)),
    Page("hsds:services", everyone(405), method="post"),
    # The orientation finder: public, read-only, the same for everyone.
    Page("victimes:finder", everyone()),
    Page(
        "victimes:finder",
        everyone(),
        query={"situation": "violences-conjugales", "age": "18-24", "arrondissement": "18"},
        label="query",
    ),
    Page("victimes:finder", everyone(400), query={"arrondissement": "99"}, label="bad place"),
    Page("victimes:finder", everyone(405), method="post"),
]

# GeoReport v2: public reads; filing needs an API key, whoever is logged in.
OPEN311_POST = {"service_code": "bruit-rue", "lat": str(LAT), "long": str(LON)}
OPEN311_PAGES = [
    *(Page("open311:discovery", everyone(), kwargs={"fmt": fmt}) for fmt in ("json", "xml")),
    Page("open311:discovery", everyone(404), kwargs={"fmt": "yaml"}, label="unknown format"),
    Page("open311:services", everyone(), kwargs={"fmt": "json"}),
    Page("open311:services", everyone(405), kwargs={"fmt": "json"}, method="post"),
    Page(
        "open311:service-definition",
        everyone(),
        kwargs={"service_code": "bruit-etablissement", "fmt": "json"},
    ),
    Page(
        "open311:service-definition",
        everyone(404),
        kwargs={"service_code": "inconnu", "fmt": "json"},
        label="unknown service",
    ),
    Page(
        "open311:requests",
        everyone(),
        kwargs={"fmt": "json"},
        hidden=lambda w: w["case_vss"].reference,
    ),
    Page(
        "open311:requests",
        everyone(),
        kwargs={"fmt": "json"},
        method="post",
        data=lambda w: {**OPEN311_POST, "api_key": w["open311_key"]},
        content_type=FORM_ENCODED,
        label="key",
    ),
    Page(
        "open311:requests",
        everyone(403),
        kwargs={"fmt": "json"},
        method="post",
        data=OPEN311_POST,
        content_type=FORM_ENCODED,
        label="no key",
    ),
    Page(
        "open311:requests",
        everyone(403),
        kwargs={"fmt": "xml"},
        method="post",
        data={**OPEN311_POST, "api_key": "o311_devinee"},
        content_type=FORM_ENCODED,
        label="guessed key",
    ),
    Page(
        "open311:request",
        everyone(),
        kwargs=lambda w: {"service_request_id": w["case_own"].reference, "fmt": "json"},
    ),
    # A request of a service Open311 does not publish (sexual violence at night) is not
    # shown, whoever asks.
    Page(
        "open311:request",
        everyone(404),
        kwargs=lambda w: {"service_request_id": w["case_vss"].reference, "fmt": "json"},
        label="unpublished service",
    ),
    Page(
        "open311:request",
        everyone(404),
        kwargs={"service_request_id": UNKNOWN_REFERENCE, "fmt": "xml"},
        label="unknown",
    ),
    Page("open311:updates", everyone(), kwargs={"fmt": "json"}),
    Page("open311:token", everyone(404), kwargs={"token_id": "123", "fmt": "json"}),
    Page("/open311/v2/inconnu.json", everyone(404)),
    Page("/open311/v2/", everyone(404)),
]
