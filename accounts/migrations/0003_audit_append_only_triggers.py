"""Database triggers that keep the audit trail append-only, even outside the ORM.

PostgreSQL refuses UPDATE and DELETE on audit rows. SQLite refuses UPDATE only: Django's
`flush` (run by the test framework between transactional tests, and by `cpps flush`) empties
SQLite tables with DELETE, which a DELETE trigger would abort; on PostgreSQL `flush` uses
TRUNCATE, which does not fire row triggers. Erasing personal data never touches these rows.
"""

from django.db import migrations

TABLE = "accounts_auditevent"
MESSAGE = "accounts_auditevent is append-only"

POSTGRESQL_UP = f"""
CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only();
"""
POSTGRESQL_DOWN = f"""
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON {TABLE};
DROP FUNCTION IF EXISTS accounts_auditevent_append_only();
"""
SQLITE_UP = f"""
CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS accounts_auditevent_no_update;"

STATEMENTS = {
    "postgresql": (POSTGRESQL_UP, POSTGRESQL_DOWN),
    "sqlite": (SQLITE_UP, SQLITE_DOWN),
}


def _run(index):
    def run(apps, schema_editor):
        sql = STATEMENTS.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql[index], params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_event")]

    operations = [migrations.RunPython(_run(0), _run(1))]
