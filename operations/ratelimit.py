"""Per-client request counts that hold across every web process and host.

A limit that protects privacy (the public « déjà signalé près d'ici » list must not be queried
from enough points to trilaterate a complaint) cannot be kept in a process's memory: gunicorn's
workers and a second web host would each grant the whole allowance. Nor in Django's database
cache, whose `incr` reads then writes: two processes can both read 29 and both write 30, both
passing. The count is a row of the case database, which every web process already shares
whatever cache is configured, and a single upsert increments it: atomic on SQLite and
PostgreSQL alike, so concurrent requests each get their own number and exactly `limit` pass.
"""

from __future__ import annotations

import time

from django.db import connection

from operations.models import RateCount


def count_request(bucket: str) -> int:
    """Count one request of `bucket` in the current minute; return the minute's count so far,
    this request included."""
    minute = int(time.time() // 60)
    quote = connection.ops.quote_name
    table = quote(RateCount._meta.db_table)
    bucket_col, minute_col, hits_col = (quote(name) for name in ("bucket", "minute", "hits"))
    with connection.cursor() as cursor:
        # Same syntax on SQLite (≥ 3.35) and PostgreSQL; the ORM has no increment-on-conflict.
        cursor.execute(
            f"INSERT INTO {table} ({bucket_col}, {minute_col}, {hits_col}) VALUES (%s, %s, 1) "  # noqa: S608 - names quoted
            f"ON CONFLICT ({bucket_col}, {minute_col}) "
            f"DO UPDATE SET {hits_col} = {table}.{hits_col} + 1 RETURNING {hits_col}",
            [bucket, minute],
        )
        (hits,) = cursor.fetchone()
    if hits == 1:
        # A client's first request of the minute clears the windows that are over (the one
        # just before stays: a request of its last second may still be counting in it).
        RateCount.objects.filter(minute__lt=minute - 1).delete()
    return hits
