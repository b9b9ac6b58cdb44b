"""Bulk writes (`insert_rows`, faster than `QuerySet.bulk_create`; with `reserve_pks` when the
new keys are needed), one row with the rows that point to it (`insert_with_dependents`), and
model instances from rows of a query of our own (`instances_from_rows`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from django.db import connections, router, transaction
from django.db.models import Model
from django.db.models.fields import AutoFieldMixin

BATCH_SIZE = 10_000
# Below this many rows, PostgreSQL gets INSERTs rather than a COPY: a COPY costs two round
# trips (start, then data), which an intake writing one case and one event pays twice.
COPY_MIN_ROWS = 100
_INTEGERS = (
    "IntegerField", "SmallIntegerField", "BigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "PositiveBigIntegerField", "AutoField", "SmallAutoField",
    "BigAutoField",
)  # fmt: skip
# Value types that a field of these kinds stores as they are: its preparation is skipped.
_UNCHANGED_TYPES = {
    "CharField": (str,),
    "TextField": (str,),
    "BooleanField": (bool,),
    "FloatField": (float, int),
    **{kind: (int,) for kind in _INTEGERS},
}
# Kinds whose prepared values are remembered for the call, by value (a value of any other
# type than the ones stored unchanged: a date-time, a choices enum, a lazy string): an import
# stores a few distinct days, one `now` and a handful of choices, and preparing a date-time
# for SQLite (to UTC, then text) costs more than writing it (bench/imports.py).
_MEMOISED = frozenset({"DateTimeField", "DateField", "TimeField", *_UNCHANGED_TYPES})


def insert_rows(model: type[Model], rows: Sequence[Mapping], *, batch_size=BATCH_SIZE) -> int:
    """INSERT rows given as {attname: value} ("desk_id", not "desk"): one statement compiled
    once and run by executemany, or on PostgreSQL one COPY (from COPY_MIN_ROWS rows).

    A field a row leaves out takes its default (auto_now fields: now), evaluated once for the
    call. Values are prepared as the ORM prepares them (`get_db_prep_save`: the backend's
    date formats apply) — except None, a str in a text column or an int in an integer one,
    which that would return unchanged. Unlike `bulk_create`, no model instance is built, the
    SQL is not compiled again for every batch, and SQLite's 999 parameters per statement
    (about thirty rows of a wide model) do not apply. Auto-incremented primary keys are left
    to the database unless the rows carry them (from `reserve_pks`); as with `bulk_create`,
    no signal is sent. Returns the number of rows.
    """
    if not rows:  # no round trip for nothing (e.g. a case without copies)
        return 0
    connection = connections[router.db_for_write(model)]
    table, columns, width, prepared = _insert_plan(model, rows, connection)[:4]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= COPY_MIN_ROWS:
            # COPY: one stream for all the rows, several times faster than row-by-row INSERTs.
            # It goes to psycopg's cursor directly: its errors (a statement timeout, a lost
            # connection) are wrapped as Django's, like any query's, so callers see a
            # DatabaseError (503 « réessayez »), never a bare psycopg error (500).
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for values in prepared(rows):
                    copy.write_row(values)
            return len(rows)
        placeholders = ", ".join(["%s"] * width)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names)
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, list(prepared(rows[start : start + batch_size])))
    return len(rows)


def insert_rows_then(
    writes: Sequence[tuple[type[Model], Sequence[Mapping]]], query: str, params: Sequence = ()
) -> list[tuple]:
    """PostgreSQL only: INSERT a few rows of several models (as `insert_rows` takes them)
    and run `query` (a SELECT), all in ONE statement — the inserts as data-modifying
    WITH clauses — and return the query's rows. What intake writes per complaint (case,
    copies, event) and what it checks costs one round trip instead of three or four.

    The query sees the database as the statement found it (not these rows); the rows
    are inserted whatever it returns. Foreign keys between the rows hold: PostgreSQL
    checks them at the end of the statement (Django makes them deferrable, at commit)."""
    connection = connections[router.db_for_write(writes[0][0])]
    clauses, values = [], []
    for model, rows in writes:
        if rows:
            _add_insert_clause(clauses, values, model, rows, connection)
    sql = f"WITH {', '.join(clauses)} {query}" if clauses else query
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return cursor.fetchall()


def insert_with_dependents(
    instance: Model, dependents: Sequence[tuple[type[Model], Sequence[Mapping]]] = ()
) -> None:
    """INSERT a new model instance, as `instance.save()` would (its auto_now and default
    values set on it, then its primary key), with rows of other models that point to it
    (`dependents`: rows as `insert_rows` takes them, without the foreign key to the instance,
    which is filled in). On PostgreSQL, all in ONE statement — the instance's INSERT …
    RETURNING, then the dependent rows as data-modifying WITH clauses reading its key; on
    SQLite, whose statements cost no round trip, one INSERT per model.

    What intake writes per complaint (the complaint, its contact, its retry key, what its
    channel stores along): one round trip instead of three or four, and none of
    `Model.save()`'s work (no signal is sent; the instance's model has no receiver of them
    to serve: tests/test_db_insert_with_dependents.py)."""
    model = type(instance)
    connection = connections[router.db_for_write(model)]
    row = values_to_save(instance)
    table, columns, width, prepared, _names = _insert_plan(model, [row], connection)
    [values] = prepared([row])
    pk = model._meta.pk
    quote = connection.ops.quote_name
    parent_sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * width)}) "  # noqa: S608 (names)
        f"RETURNING {quote(pk.column)}"
    )
    children = []
    for child, rows in dependents:
        if not rows:
            continue
        [link] = [f for f in child._meta.concrete_fields if f.related_model is model]
        children.append((child, link.attname, [{**r, link.attname: None} for r in rows]))
    together = connection.vendor == "postgresql" and children
    sql, params = parent_sql, list(values)
    if together:
        clauses = [f"p AS ({parent_sql})"]
        key = f"(SELECT {quote(pk.column)} FROM p)"  # noqa: S608 (names)
        for child, link, rows in children:
            _add_insert_clause(clauses, params, child, rows, connection, link=(link, key))
        sql = f"WITH {', '.join(clauses)} SELECT {quote(pk.column)} FROM p"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding, instance._state.db = False, connection.alias
    if not together:
        for child, link, rows in children:
            insert_rows(child, [{**r, link: instance.pk} for r in rows])


def values_to_save(instance: Model) -> dict:
    """A new instance's stored values ({attname: value}) as `save()` would write them: each
    field's `pre_save` (auto_now values set on the instance too), its auto key left out."""
    return {
        f.attname: f.pre_save(instance, True)
        for f in instance._meta.concrete_fields
        if not isinstance(f, AutoFieldMixin)
    }


def _add_insert_clause(clauses: list, params: list, model, rows, connection, link=None) -> None:
    """Append `w<n> AS (INSERT INTO … VALUES …)`, a data-modifying WITH clause writing `rows`,
    to `clauses`, and its parameters to `params`. VALUES, where PostgreSQL gives each
    parameter its column's type. `link`: (attname, SQL) of a column that reads that SQL
    (the new key of the statement's first row) instead of a parameter."""
    table, columns, _width, prepared, names = _insert_plan(model, rows, connection)
    column, sql = link or (None, "")
    row_sql = "(" + ", ".join(sql if name == column else "%s" for name in names) + ")"
    clauses.append(
        f"w{len(clauses)} AS (INSERT INTO {table} ({columns}) "  # noqa: S608 (names)
        f"VALUES {', '.join([row_sql] * len(rows))})"
    )
    params.extend(
        v for row in prepared(rows) for name, v in zip(names, row, strict=True) if name != column
    )


def _insert_plan(model: type[Model], rows: Sequence[Mapping], connection):
    """The quoted table, its quoted column list, its width, a function giving the values
    of a chunk of rows, row by row, and the attribute names of the columns, in order."""
    given = rows[0].keys() if rows else ()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not isinstance(f, AutoFieldMixin) or f.attname in given
    ]
    unknown = {name for row in rows[:1] for name in row} - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    template = model()
    defaults = [field.pre_save(template, True) for field in fields]
    unchanged = [frozenset({type(None), *_unchanged_types(f)}) for f in fields]
    memos = [{} if _kind(f) in _MEMOISED else None for f in fields]
    plan = list(zip((f.attname for f in fields), defaults, fields, unchanged, memos, strict=True))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)

    def prepare(value, field, memo):
        if memo is None:
            return field.get_db_prep_save(value, connection)
        if value not in memo:
            memo[value] = field.get_db_prep_save(value, connection)
        return memo[value]

    def prepared(chunk):
        # Column by column: most columns hold only values stored unchanged, found by one
        # pass over their types, and only the others are prepared value by value.
        values = []
        for name, default, field, types, memo in plan:
            try:
                column = [row[name] for row in chunk]
            except KeyError:
                column = [row.get(name, default) for row in chunk]
            if not types.issuperset(map(type, column)):
                column = [v if type(v) in types else prepare(v, field, memo) for v in column]
            values.append(column)
        return zip(*values, strict=True)

    return table, columns, len(fields), prepared, [f.attname for f in fields]


def reserve_pks(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys of `model`, increasing, for rows then written by `insert_rows`:
    what `bulk_create` reads back with RETURNING, known before the write (the batch intake
    writes its complaints so, at a fraction of `bulk_create`'s cost: bench/imports.py).

    PostgreSQL draws them from the key's sequence. SQLite has no sequence to draw from: the
    keys follow the highest ever given (`sqlite_sequence`, AUTOINCREMENT); this holds because
    the caller's transaction holds SQLite's single write lock until it commits (cpps opens
    transactions IMMEDIATE) — hence the transaction required here.
    """
    connection = connections[router.db_for_write(model)]
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("reserve_pks needs a transaction")
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) "
                "ORDER BY 1",
                [quote(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 (names)
            f"coalesce((SELECT max({quote(column)}) FROM {quote(table)}), 0))",
            [table],
        )
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


# At most this many pages of write-ahead log (256 MiB of 4 KiB pages) between two copies back.
_BULK_WAL_PAGES = 65_536


@contextmanager
def deferred_checkpoints(using: str = "default") -> Iterator[None]:
    """SQLite: during a bulk load made of many transactions, the write-ahead log is copied
    back into the database file (a checkpoint, with its two fsyncs) once every 256 MiB of log
    and at the end, not after every commit (every 4 MiB by default).

    Each batch of an import touches most pages of the complaint indexes: a checkpoint per
    commit wrote them all again, and took as long as the batch's own writes (bench/imports.py).
    Nothing else changes: every commit is in the log, and a crash loses no committed batch
    (WAL); only a power cut, which with `synchronous=NORMAL` may already undo the last commits,
    may now undo more of them — the import then resumes from an earlier point, since its
    checkpoint's witness complaint is gone (guichet.importers.runner). No effect on PostgreSQL
    or inside a transaction.
    """
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # inside a transaction, there is one commit anyway
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA wal_autocheckpoint = {_BULK_WAL_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _kind(field) -> str:
    if field.is_relation:
        field = field.target_field  # a foreign key stores its target's value
    return field.get_internal_type()


def _unchanged_types(field) -> tuple[type, ...]:
    return _UNCHANGED_TYPES.get(_kind(field), ())


def joined_instances(models: Sequence[type[Model]], joins: str, params: Sequence) -> list | None:
    """The instances of `models`, in that order, from the one row of `SELECT <every column of
    each model> FROM <the first model's table> <joins>` (`joins`: its JOIN and WHERE clauses,
    with `%s` placeholders for `params`); None when there is no row, and None in place of a
    model whose primary key came back NULL (a LEFT JOIN that found nothing).

    What `select_related(...).get(...)` reads, for the few look-ups run on every request,
    where compiling the ORM's query costs several times running it (the API token with its
    account, the category of a filing: tests/guichet/test_guichet_api_intake_cost.py)."""
    connection = connections["default"]
    quote = connection.ops.quote_name
    fields = [list(model._meta.concrete_fields) for model in models]
    columns = ", ".join(
        f"{quote(model._meta.db_table)}.{quote(field.column)}"
        for model, model_fields in zip(models, fields, strict=True)
        for field in model_fields
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(models[0]._meta.db_table)} {joins}",  # noqa: S608 (names)
            list(params),
        )
        row = cursor.fetchone()
    if row is None:
        return None
    found, start = [], 0
    for model, model_fields in zip(models, fields, strict=True):
        values = row[start : start + len(model_fields)]
        start += len(model_fields)
        if values[model_fields.index(model._meta.pk)] is None:
            found.append(None)
        else:
            found.extend(instances_from_rows(model, model_fields, [values]))
    return found


def instances_from_rows(model: type[Model], fields, rows, *, using: str = "default") -> list:
    """Model instances from the rows of a query of our own, each row holding the values of
    `fields` in that order; the values are converted as the ORM converts what it reads (dates,
    booleans of SQLite…), the model's other fields are left deferred.

    What `Manager.raw()` does, without its per-query set-up and for several models from one
    row: use it only where a bench shows raw()/in_bulk() too slow (today the duplicate search's
    last step, see `traitement.duplicates._public_complaints` and bench/duplicates.py)."""
    connection = connections[using]
    table = model._meta.db_table
    converters = []
    for field in fields:
        column = field.get_col(table)
        converters.append(
            (column, connection.ops.get_db_converters(column) + field.get_db_converters(connection))
        )
    # Model.from_db takes the values in the model's field order, whatever the query's.
    position = {field.attname: i for i, field in enumerate(fields)}
    order = [position[f.attname] for f in model._meta.concrete_fields if f.attname in position]
    names = [fields[i].attname for i in order]
    instances = []
    for row in rows:
        values = list(row)
        for i, (column, functions) in enumerate(converters):
            for convert in functions:
                values[i] = convert(values[i], column, connection)
        instances.append(model.from_db(using, names, [values[i] for i in order]))
    return instances
