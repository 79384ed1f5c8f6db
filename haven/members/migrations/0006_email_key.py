"""Member.email_key: a keyed hash of the normalised email address (haven.members.
mailboxes), for the block evasion check; filled in for existing members."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from haven.members.mailboxes import email_key

    Member = apps.get_model("members", "Member")
    members = Member.objects.filter(email_key__isnull=True).exclude(email="").only("email")
    batch = []
    for member in members.iterator(chunk_size=2000):
        member.email_key = email_key(member.email)
        batch.append(member)
        if len(batch) == 2000:
            Member.objects.bulk_update(batch, ["email_key"])
            batch = []
    Member.objects.bulk_update(batch, ["email_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_username_skeleton"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="email_key",
            field=models.CharField(db_index=True, editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
