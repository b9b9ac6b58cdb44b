"""TIG hosts are directory services carrying the « accueil de TIG » term: the victims'
finder never proposes them, nor offers the term as a situation."""

from __future__ import annotations

from django.urls import reverse

from victimes.finder import FinderQuery, find
from victimes.models import TaxonomyTerm
from victimes.tig import TIG_HOST_TERM, host_services, situation_terms


def test_a_tig_host_never_appears_in_the_finder(make_service):
    host = make_service("Espaces verts du 18e", situations=(TIG_HOST_TERM,))
    helper = make_service("Écoute du 18e")
    assert list(host_services()) == [host]
    queries = [FinderQuery(danger=True), FinderQuery(age="25-59", arrondissement=18)]
    queries += [FinderQuery((code,)) for code in situation_terms().values_list("code", flat=True)]
    names = {r.name for query in queries for r in find(query).results}
    assert helper.name in names and host.name not in names


def test_the_finder_does_not_offer_the_tig_term(client, paris):
    assert TaxonomyTerm.objects.filter(code=TIG_HOST_TERM).exists()
    url = reverse("victimes:finder")
    assert "Accueil de TIG" not in client.get(url).text
    assert client.get(url, {"situation": TIG_HOST_TERM}).status_code == 400
