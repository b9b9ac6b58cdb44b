"""Steering the contract: every staff role reads; values are entered within one's scope —
pilots and administrators everywhere, a coordinator their sector, a desk supervisor or
victim-support worker the indicators their partner is responsible for; computed
indicators are never entered by hand. Pilots and administrators import and export."""

from tests.accounts.matrix.common import STAFF, Page, everyone, only, override

CONTRACT_MANAGERS = ("contract_pilot", "administrator")


def value_form(sector):
    """A value entered for `sector` ("paris": the whole city) in 2025."""
    return {"secteur": sector, "periode": "2025-01-01", "valeur": "12", "source": "Matrice"}


PARTNER_ENTRY = (*CONTRACT_MANAGERS, "cspa_coordinator", "desk_supervisor")
CONTRACT_PAGES = [
    Page("contrat:overview", only(*STAFF)),
    Page("contrat:overview", only(*STAFF), query={"annee": "2025"}),
    Page("contrat:sector", only(*STAFF), args=("paris-18",)),
    Page("contrat:sector", only(*STAFF), args=("paris-5",)),
    Page("contrat:sector", override(only(*STAFF), 404, *STAFF), args=("paris-99",)),
    Page("contrat:priority", only(*STAFF), args=("2.1",)),
    Page("contrat:priority", only(*STAFF), args=("2.1",), query={"secteur": "paris-18"}),
    Page("contrat:priority", override(only(*STAFF), 404, *STAFF), args=("9.9",)),
    Page("contrat:comparison", only(*STAFF)),
    Page("contrat:comparison", only(*STAFF), query={"indicateur": "mx-partenaire"}),
    # Entry forms (GET) and entries (POST), per indicator.
    Page("contrat:enter-value", only(*CONTRACT_MANAGERS), args=("isc-effectif",)),
    Page("contrat:enter-value", only(*PARTNER_ENTRY), args=("mx-partenaire",)),
    Page(
        "contrat:enter-value",
        only(*CONTRACT_MANAGERS, "cspa_coordinator"),
        args=("mx-autre-partenaire",),
    ),
    Page("contrat:enter-value", only(*CONTRACT_MANAGERS, "victim_support"), args=("mx-victimes",)),
    Page("contrat:enter-value", only(), args=("mx-calcule",), label="computed"),
    Page("contrat:enter-value", override(only(), 404, *STAFF), args=("inconnu",)),
    Page(
        "contrat:enter-value",
        only(*PARTNER_ENTRY, status=302),
        args=("mx-partenaire",),
        method="post",
        data=value_form("paris-18"),
        label="own sector",
    ),
    Page(
        "contrat:enter-value",
        override(only(*PARTNER_ENTRY, status=302), 400, "cspa_coordinator"),
        args=("mx-partenaire",),
        method="post",
        data=value_form("paris-5"),
        label="other sector",
    ),
    Page(
        "contrat:enter-value",
        override(only(*PARTNER_ENTRY, status=302), 400, "cspa_coordinator"),
        args=("mx-partenaire",),
        method="post",
        data=value_form("paris"),
        label="Paris",
    ),
    Page(
        "contrat:enter-value",
        only(*CONTRACT_MANAGERS, "cspa_coordinator", status=302),
        args=("mx-autre-partenaire",),
        method="post",
        data=value_form("paris-18"),
        label="own sector, another partner's",
    ),
    Page(
        "contrat:enter-value",
        only(*CONTRACT_MANAGERS, "victim_support", status=302),
        args=("mx-victimes",),
        method="post",
        data=value_form("paris"),
        label="Paris",
    ),
    Page(
        "contrat:enter-value",
        only(),
        args=("mx-calcule",),
        method="post",
        data=value_form("paris"),
        label="computed",
    ),
    *(Page("contrat:export", only(*CONTRACT_MANAGERS), args=(fmt,)) for fmt in ("xlsx", "zip")),
    Page(
        "contrat:export",
        only(*CONTRACT_MANAGERS, status=404),
        args=("pdf",),
        label="unknown format",
    ),
    # The annual report: pilots and administrators for Paris and every sector, a
    # coordinator for their own sector only.
    *(Page("contrat:bilan", only(*CONTRACT_MANAGERS), args=(fmt,)) for fmt in ("html", "docx")),
    Page("contrat:bilan", override(only(), 404, *STAFF), args=("odt",), label="unknown format"),
    Page(
        "contrat:sector-bilan",
        only(*CONTRACT_MANAGERS, "cspa_coordinator"),
        args=("paris-18", "html"),
    ),
    Page("contrat:sector-bilan", only(*CONTRACT_MANAGERS), args=("paris-5", "docx")),
    Page("contrat:sector-bilan", override(only(), 404, *STAFF), args=("paris-99", "html")),
    Page("contrat:import", only(*CONTRACT_MANAGERS, status=400), method="post", label="no file"),
    Page("contrat:import", everyone(405)),
]
