"""Case work: the desk in charge acts, a copy desk and administrators read, another desk's
case does not exist (404), roles without case rights are refused (403)."""

from tests.accounts.matrix.common import (
    CASE_DESK,
    CASE_STAFF,
    EMAIL,
    UNKNOWN_REFERENCE,
    Page,
    complaint_ref,
    only,
    override,
)


def photo_of(key):
    return lambda w: (w[key].reference, w[key].photos.get().pk)


def case_action(key, action):
    return lambda w: (w[key].reference, action)


NOTE = {"note-text": "Passage d'une patrouille prévu."}
CLOSE = {"close-reason": "resolved", "close-message": "Réglé."}
CASE_PAGES = [
    Page("traitement:queue", only(*CASE_STAFF)),
    Page("traitement:queue", only(*CASE_STAFF), query={"vue": "copie"}),
    Page(
        "traitement:queue",
        only(*CASE_STAFF),
        query=lambda w: {"guichet": w["other_desk"].code},
        label="another desk",
    ),
    Page("traitement:case", only(*CASE_STAFF), args=complaint_ref("case_own"), label="own desk"),
    Page(
        "traitement:case",
        only(*CASE_STAFF),
        args=complaint_ref("case_copy"),
        label="copy",
        hidden=lambda w: EMAIL,
        hidden_from=CASE_DESK,
    ),
    Page(
        "traitement:case",
        override(only(*CASE_STAFF), 404, "case_agent"),
        args=complaint_ref("case_other_territory"),
        label="own desk, other territory",
    ),
    Page(
        "traitement:case",
        override(only(*CASE_STAFF), 404, *CASE_DESK),
        args=complaint_ref("case_other_desk"),
        label="other desk",
    ),
    Page(
        "traitement:case",
        override(only(), 404, *CASE_STAFF),
        args=(UNKNOWN_REFERENCE,),
        label="unknown",
    ),
    *(
        page
        for action, data in (("note", NOTE), ("assign_me", {}), ("close", CLOSE))
        for page in (
            Page(
                "traitement:action",
                only(*CASE_DESK, status=302),
                args=case_action("case_own", action),
                method="post",
                data=data,
                label=f"{action}, own desk",
            ),
            Page(
                "traitement:action",
                override(only("desk_supervisor", status=302), 404, "case_agent"),
                args=case_action("case_other_territory", action),
                method="post",
                data=data,
                label=f"{action}, own desk, other territory",
            ),
            Page(
                "traitement:action",
                only(),
                args=case_action("case_copy", action),
                method="post",
                data=data,
                label=f"{action}, copy",
            ),
            Page(
                "traitement:action",
                override(only(), 404, *CASE_DESK),
                args=case_action("case_other_desk", action),
                method="post",
                data=data,
                label=f"{action}, other desk",
            ),
        )
    ),
    Page(
        "traitement:action",
        override(only(), 404, *CASE_STAFF),
        args=lambda w: (UNKNOWN_REFERENCE, "note"),
        method="post",
        data=NOTE,
        label="note, unknown",
    ),
    Page(
        "traitement:action",
        override(only(), 404, *CASE_STAFF),
        args=case_action("case_own", "supprimer"),
        method="post",
        label="unknown action",
    ),
    Page(
        "traitement:action",
        override(only(), 405, *CASE_STAFF),
        args=case_action("case_own", "note"),
    ),
    # Bulk actions: the first POST shows the confirmation of the cases one is in charge of;
    # cases of other desks are refused (back to the queue).
    Page(
        "traitement:bulk",
        override(only(*CASE_DESK), 302, "administrator"),
        method="post",
        data=lambda w: {"dossiers": [w["case_own"].reference], "action": "assign_me"},
        label="own desk",
    ),
    Page(
        "traitement:bulk",
        override(only(*CASE_STAFF, status=302), 200, "desk_supervisor"),
        method="post",
        data=lambda w: {"dossiers": [w["case_other_territory"].reference], "action": "assign_me"},
        label="own desk, other territory",
    ),
    Page(
        "traitement:bulk",
        only(*CASE_STAFF, status=302),
        method="post",
        data=lambda w: {"dossiers": [w["case_other_desk"].reference], "action": "assign_me"},
        label="other desk",
    ),
    Page("traitement:bulk", override(only(), 405, *CASE_STAFF)),
    # The queue as a map, with the same scope and filters as the list.
    Page("traitement:queue_map", only(*CASE_STAFF)),
    Page("traitement:queue_map", only(*CASE_STAFF), query={"statut": "all"}, label="filtered"),
    # Photos: personal data, so the desk in charge and administrators only (a copy desk
    # reads the case, not its photos); another desk's case does not exist.
    *(
        Page(name, expect, args=photo_of(key), label=label)
        for name in ("traitement:photo", "traitement:photo_thumbnail")
        for key, expect, label in (
            ("case_own", only(*CASE_STAFF), "own desk"),
            ("case_copy", only("administrator"), "copy"),
            ("case_other_desk", override(only("administrator"), 404, *CASE_DESK), "other desk"),
        )
    ),
    Page(
        "traitement:photo",
        override(only(), 404, *CASE_STAFF),
        args=lambda w: (w["case_own"].reference, w["case_other_desk"].photos.get().pk),
        label="another complaint's photo",
    ),
]
