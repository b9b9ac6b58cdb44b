"""Rate-limit counts are rows of the shared database, incremented atomically: requests racing
on separate connections (as separate web processes do) each get their own number."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from operations.models import RateCount
from operations.ratelimit import count_request
from tests.operations.conftest import start_of_a_minute

THREADS, HITS = 6, 15


@pytest.mark.django_db(transaction=True)
def test_racing_requests_are_each_counted_once():
    counts: list[int] = []
    start = threading.Barrier(THREADS)

    def client():
        try:
            start.wait()
            for _ in range(HITS):
                counts.append(count_request("nearby:192.0.2.7"))
        finally:
            connection.close()  # each thread has its own connection, like a web process

    start_of_a_minute()
    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, THREADS * HITS + 1))
    assert RateCount.objects.get(bucket="nearby:192.0.2.7").hits == THREADS * HITS


@pytest.mark.django_db
def test_a_client_is_counted_apart_and_finished_minutes_are_dropped():
    start_of_a_minute()
    minute = int(time.time() // 60)
    RateCount.objects.create(bucket="nearby:192.0.2.1", minute=minute - 5, hits=40)
    assert [count_request("nearby:192.0.2.1") for _ in range(3)] == [1, 2, 3]
    assert count_request("nearby:192.0.2.2") == 1
    assert not RateCount.objects.filter(minute__lt=minute - 1).exists()
