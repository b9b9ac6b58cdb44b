"""The demo fills the module with example data once; running it again adds nothing."""

import pytest

from accounts.demo import create_demo_accounts
from prevention.demo import create_demo_prevention
from prevention.models import Alert, Event, PreventionAction, TensionPair

pytestmark = pytest.mark.django_db


def test_demo_prevention_is_whole_and_idempotent(paris):
    create_demo_accounts()
    created = create_demo_prevention(seed=7)
    assert created > 150 and Event.objects.count() == created
    assert TensionPair.objects.filter(state="active").exists()
    assert Alert.objects.filter(outcome="evitee").count() == 1
    assert Alert.objects.filter(outcome="").count() == 1
    assert PreventionAction.objects.filter(timeline__isnull=False).distinct().count() == 4
    assert create_demo_prevention(seed=7) == 0
    assert Event.objects.count() == created
