"""The observatory: Paris for analysts, pilots and administrators; a coordinator's own
sector."""

from tests.accounts.matrix.common import (
    LOGIN,
    OBSERVATORY_ROLES,
    Page,
    everyone,
    only,
    override,
)

# The coordinator's own sector is paris-18.
OWN_SECTOR_ROLES = (*OBSERVATORY_ROLES, "cspa_coordinator")
OBSERVATORY = only(*OBSERVATORY_ROLES)
OWN_SECTOR = only(*OWN_SECTOR_ROLES)

OBSERVATORY_PAGES = [
    *(
        Page(name, OBSERVATORY, kwargs=kwargs, query=query)
        for name, kwargs, query in (
            ("observatoire:dashboard", {}, {}),
            ("observatoire:panels", {}, {}),
            ("observatoire:map", {}, {}),
            ("observatoire:section", {"name": "heures"}, {}),
            ("observatoire:export", {"name": "categories", "fmt": "csv"}, {}),
            ("observatoire:export", {"name": "evolution", "fmt": "svg"}, {}),
            ("observatoire:barometer", {}, {"mois": "2026-01"}),
        )
    ),
    Page(
        "observatoire:section",
        override(OBSERVATORY, 404, *OBSERVATORY_ROLES),
        kwargs={"name": "inconnue"},
        label="unknown section",
    ),
    Page(
        "observatoire:export",
        override(OBSERVATORY, 404, *OBSERVATORY_ROLES),
        kwargs={"name": "categories", "fmt": "xlsx"},
        label="unknown format",
    ),
    *(
        Page(name, expect, args=(code, *extra), query=query)
        for code, expect in (("paris-18", OWN_SECTOR), ("paris-5", OBSERVATORY))
        for name, extra, query in (
            ("observatoire:sector", (), {}),
            ("observatoire:sector-panels", (), {}),
            ("observatoire:sector-map", (), {}),
            ("observatoire:sector-section", ("familles",), {}),
            ("observatoire:sector-export", ("quartiers", "svg"), {}),
            ("observatoire:sector-export", ("categories", "csv"), {}),
            ("observatoire:sector-barometer", (), {"mois": "2026-01"}),
        )
    ),
    Page(
        "observatoire:sector-barometer",
        OWN_SECTOR,
        args=("paris-18",),
        query={"mois": "2026-01", "format": "pdf"},
    ),
    # A guessed sector that does not exist.
    Page("observatoire:sector", override(everyone(404), LOGIN, "anonymous"), args=("paris-99",)),
    *(
        Page(
            "observatoire:sector-subscription",
            only(*roles, status=302),
            args=(code,),
            method="post",
            data={"actif": "1"},
        )
        for code, roles in (("paris-18", OWN_SECTOR_ROLES), ("paris-5", OBSERVATORY_ROLES))
    ),
    Page("observatoire:sector-subscription", everyone(405), args=("paris-18",)),
]
