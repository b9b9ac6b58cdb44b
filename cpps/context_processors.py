from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.permissions import profile_of, role_of

CASE_ROLES = {Role.CASE_AGENT, Role.DESK_SUPERVISOR, Role.ADMINISTRATOR}
OBSERVATORY_ROLES = {Role.ANALYST, Role.CONTRACT_PILOT, Role.ADMINISTRATOR}
PREVENTION_ROLES = {Role.PREVENTION_PARTNER, Role.CSPA_COORDINATOR, Role.ADMINISTRATOR}


def staff_links(user) -> list[dict]:
    """The staff sections a user's role opens, for the main navigation."""
    role = role_of(user)
    if role is None:
        return []
    links = []
    if role in CASE_ROLES:
        links.append(
            {"app": "traitement", "label": _("Dossiers"), "url": reverse("traitement:queue")}
        )
    if role in OBSERVATORY_ROLES:
        links.append(
            {
                "app": "observatoire",
                "label": _("Observatoire"),
                "url": reverse("observatoire:dashboard"),
            }
        )
    elif role == Role.CSPA_COORDINATOR:
        sector = getattr(profile_of(user), "sector", None)
        if sector is not None:
            url = reverse("observatoire:sector", args=[sector.code])
            links.append({"app": "observatoire", "label": _("Observatoire"), "url": url})
    if role in PREVENTION_ROLES:
        links.append(
            {"app": "prevention", "label": _("Prévention"), "url": reverse("prevention:home")}
        )
    elif role in OBSERVATORY_ROLES:
        url = reverse("prevention:figures")
        links.append({"app": "prevention", "label": _("Prévention"), "url": url})
    links.append(
        {"app": "contrat", "label": _("Pilotage du contrat"), "url": reverse("contrat:overview")}
    )
    if role in (Role.VICTIM_SUPPORT, Role.ADMINISTRATOR):
        url = reverse("victimes:orientations")
        links.append({"app": "victimes", "label": _("Orientations"), "url": url})
    if role == Role.VICTIM_SUPPORT:
        url = reverse("victimes:cases")
        links.append({"app": "victimes", "label": _("Signalements transmis"), "url": url})
    elif role in (Role.ANALYST, Role.CSPA_COORDINATOR, Role.CONTRACT_PILOT):
        url = reverse("victimes:gaps")
        links.append({"app": "victimes", "label": _("Où l'aide manque"), "url": url})
    if role == Role.ADMINISTRATOR:
        links.append(
            {"app": "accounts", "label": _("Journal d'audit"), "url": reverse("accounts:audit")}
        )
    return links


def site(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    return {
        "map_tile_url": settings.CPPS_MAP_TILE_URL,
        "map_tile_attribution": settings.CPPS_MAP_TILE_ATTRIBUTION,
        "user_role": role_of(user) if authenticated else None,
        "staff_links": staff_links(user) if authenticated else [],
    }
