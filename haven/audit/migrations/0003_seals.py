"""Seals: the audit chain linked by a sealer after commit, not under a lock per action.

Adds the seal and pending tables; a trigger that puts every new entry on the
pending list in the inserting transaction; append-only guards for the seals (as
0002 for the entries: UPDATE refused on both databases, DELETE on PostgreSQL);
and seals the entries already written, in id order (their in-row chain stays as
it was and is part of each row's hash)."""

import hashlib

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64

SQLITE = [
    """CREATE TRIGGER audit_mark_pending AFTER INSERT ON audit_auditentry
       BEGIN INSERT INTO audit_auditpending (entry_id) VALUES (NEW.id); END""",
    """CREATE TRIGGER audit_seal_no_update BEFORE UPDATE ON audit_auditseal
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
POSTGRES = [
    """CREATE FUNCTION audit_mark_pending() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO audit_auditpending (entry_id) VALUES (NEW.id); RETURN NULL; END $$""",
    """CREATE TRIGGER audit_mark_pending AFTER INSERT ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_mark_pending()""",
    """CREATE TRIGGER audit_seal_no_change BEFORE UPDATE OR DELETE ON audit_auditseal
       FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
]
DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_mark_pending",
        "DROP TRIGGER IF EXISTS audit_seal_no_update",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_seal_no_change ON audit_auditseal",
        "DROP TRIGGER IF EXISTS audit_mark_pending ON audit_auditentry",
        "DROP FUNCTION IF EXISTS audit_mark_pending()",
    ],
}


def seal_hash(prev: str, seq: int, entry_id: int, entry_hash: str) -> str:
    # Kept here as it was when this migration was written (haven.audit.log.seal_hash).
    return hashlib.sha256(f"{prev}:{seq}:{entry_id}:{entry_hash}".encode()).hexdigest()


def seal_existing(apps, schema_editor):
    entry_model = apps.get_model("audit", "AuditEntry")
    seal_model = apps.get_model("audit", "AuditSeal")
    head_model = apps.get_model("audit", "AuditHead")
    prev, seq, now, seals = GENESIS, 0, timezone.now(), []
    for pk, row_hash in entry_model.objects.order_by("id").values_list("id", "hash").iterator():
        seq += 1
        digest = seal_hash(prev, seq, pk, row_hash)
        seals.append(seal_model(seq=seq, entry_id=pk, prev_hash=prev, hash=digest, sealed_at=now))
        prev = digest
    seal_model.objects.bulk_create(seals, batch_size=2000)
    head_model.objects.update_or_create(pk=1, defaults={"last_hash": prev, "seq": seq})


def guards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(statement)


def drop_guards(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditPending',
            fields=[
                ('entry', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='audit.auditentry')),
            ],
        ),
        migrations.AddField(
            model_name='audithead',
            name='seq',
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('seq', models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('sealed_at', models.DateTimeField()),
                ('entry', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='seal', to='audit.auditentry')),
            ],
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(guards, drop_guards),
    ]
