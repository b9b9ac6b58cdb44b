"""core.memo: the referential rows a filing reads, kept a few seconds by the process. An edit
made in this process is seen at once; another process's within the memo's delay."""

import time

import pytest

from core.memo import ReferentialMemo
from doleances.models import Category
from doleances.services import CATEGORIES
from tests.guichet.test_guichet_api import create
from tests.open311.conftest import REPUBLIQUE, post_request


def test_a_value_is_kept_for_its_delay_and_a_miss_never():
    memo = ReferentialMemo("test", seconds=0.2)
    loads = []

    def load(value):
        loads.append(value)
        return value

    assert memo.get("a", lambda: load(1)) == 1
    assert memo.get("a", lambda: load(2)) == 1  # kept
    assert memo.get("b", lambda: load(None)) is None
    assert memo.get("b", lambda: load(3)) == 3  # a miss is asked again
    time.sleep(0.25)
    assert memo.get("a", lambda: load(4)) == 4  # past its delay
    memo.clear()
    assert memo.get("a", lambda: load(5)) == 5
    assert loads == [1, None, 3, 4, 5]


@pytest.mark.django_db
def test_an_open311_service_switched_off_here_is_refused_at_once(client, paris, api_key):
    def post():
        return post_request(
            client,
            api_key=api_key,
            service_code="depots-sauvages",
            description="Dépôt",
            **REPUBLIQUE,
        )

    assert post().status_code == 200
    category = Category.objects.get(service_code="depots-sauvages")
    category.is_active = False
    category.save()
    assert post().status_code == 404


@pytest.mark.django_db
def test_an_api_category_edited_elsewhere_is_seen_within_the_delay(partner, monkeypatch):
    assert create(partner).json()["category"]["label"] != "Bruit (nouveau libellé)"
    # Another process's edit: no signal reaches this one.
    Category.objects.filter(code="bruit-rue").update(label="Bruit (nouveau libellé)")
    assert create(partner).json()["category"]["label"] != "Bruit (nouveau libellé)"
    monkeypatch.setattr(CATEGORIES, "seconds", 0.1)
    CATEGORIES.clear()
    create(partner)
    time.sleep(0.15)
    assert create(partner).json()["category"]["label"] == "Bruit (nouveau libellé)"
