"""Structures that host people sentenced to travaux d'intérêt général (TIG).

A host is a service of the directory carrying the « accueil de TIG » term. That term lives
in its own taxonomy (fixture), not among the victims' situations: the finder and the
orientation records never offer it, so a TIG host never appears in a victim's answer.
The prevention app counts the posts each host offers and fills per year.
"""

from django.db.models import Q

from victimes.models import Service, TaxonomyTerm

#: Code of the taxonomy term that makes a service a TIG host.
TIG_HOST_TERM = "accueil-tig"
#: The taxonomy of what structures offer to justice partners (fixture paris_ressources).
HOST_TAXONOMY_ID = "6f1c1d0e-3b7a-5d2e-9a41-7c0e2b5a9d10"

#: For `limit_choices_to` and querysets: the services carrying the term.
HOST_SERVICES = Q(attributes__taxonomy_term__code=TIG_HOST_TERM)


def host_services():
    return Service.objects.filter(HOST_SERVICES).distinct()


def situation_terms():
    """The victims' situations and needs: every term but those of the host taxonomy."""
    return TaxonomyTerm.objects.exclude(taxonomy_id=HOST_TAXONOMY_ID)


def host_term() -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(code=TIG_HOST_TERM)
