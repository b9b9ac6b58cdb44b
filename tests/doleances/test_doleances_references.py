"""References under concurrency: on PostgreSQL an intake never waits for another one's
number (per-year sequences, no counter row to lock); SQLite serialises writers by design."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from doleances.models import ReferenceCounter


@pytest.mark.django_db(transaction=True)
def test_a_number_is_not_held_by_another_open_transaction():
    reserved, holding, release = [], threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                reserved.extend(ReferenceCounter.reserve(2031, 5))
                holding.set()
                release.wait(3)  # an intake still busy (photos, routing...)
        finally:
            connections.close_all()

    other = threading.Thread(target=first)
    other.start()
    assert holding.wait(10)
    started = time.monotonic()
    with transaction.atomic():
        mine = ReferenceCounter.reserve(2031)
    waited = time.monotonic() - started
    release.set()
    other.join()
    if connection.vendor == "postgresql":
        assert waited < 1.0  # did not wait for the open transaction
    else:
        assert waited > 1.0  # SQLite: one writer at a time (IMMEDIATE transactions)
    assert len(set(reserved + mine)) == 6  # never the same number twice
    assert reserved == sorted(reserved)


@pytest.mark.django_db(transaction=True)
def test_the_sequence_starts_after_numbers_already_given():
    # Numbers counted before the sequence existed (earlier versions, SQLite, bulk loaders).
    ReferenceCounter.objects.create(year=2032, last=41)
    assert ReferenceCounter.reserve(2032, 2) == [42, 43]
    assert ReferenceCounter.reserve(2032) == [44]
