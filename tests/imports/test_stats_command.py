"""`cpps stats`: the counts an operator checks after an import."""

import io
import json

from django.core.management import call_command

from doleances.bulk import file_complaints
from doleances.choices import Channel, Status
from doleances.models import Category
from doleances.services import ComplaintInput


def stats() -> dict:
    out = io.StringIO()
    call_command("stats", stdout=out)
    return json.loads(out.getvalue())


def test_empty_database(paris):
    assert stats() == {
        "total": 0,
        "by_status": {},
        "by_channel": {},
        "by_category": {},
        "by_arrondissement": {},
    }


def test_counts_by_status_channel_category_and_arrondissement(paris):
    graffitis = Category.objects.get(code="graffitis")
    megots = Category.objects.get(code="megots")
    hotel_de_ville, montmartre = (48.8566, 2.3522), (48.8867, 2.3431)
    items = [
        (graffitis, Channel.WEB, Status.NEW, hotel_de_ville),
        (graffitis, Channel.DANSMARUE, Status.NEW, montmartre),
        (megots, Channel.DANSMARUE, Status.CLOSED, montmartre),
    ]
    file_complaints(
        [
            ComplaintInput(
                category=category, channel=channel, status=status, latitude=lat, longitude=lon
            )
            for category, channel, status, (lat, lon) in items
        ]
    )

    assert stats() == {
        "total": 3,
        "by_status": {"closed": 1, "new": 2},
        "by_channel": {"dansmarue": 2, "web": 1},
        "by_category": {"graffitis": 2, "megots": 1},
        "by_arrondissement": {"4": 1, "18": 2},
    }
