"""The database itself refuses to change audit entries, and on PostgreSQL (the
production database) to delete them. SQLite gets no DELETE trigger because
Django's test flush empties tables with DELETE there; a removed row still breaks
the hash chain (a missing middle link, or a head that no longer matches)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
POSTGRES = [
    """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
]
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_no_update"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_no_change ON audit_auditentry",
        "DROP FUNCTION IF EXISTS audit_append_only()",
    ],
}


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
