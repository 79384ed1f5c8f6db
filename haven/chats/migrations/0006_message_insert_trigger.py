"""A new message updates its chat's preview and the sender's read mark in the database,
in the INSERT's own statement, instead of two more UPDATEs from the app on every send
(haven.chats.actions._post). Same effect on both databases; the bench loader turns
PostgreSQL triggers off for its bulk rows (session_replication_role = replica)."""

from django.db import migrations

BODY = """
    UPDATE chats_chat SET last_message_id = NEW.id, last_message_at = NEW.created_at
     WHERE id = NEW.chat_id;
    UPDATE chats_chatmembership SET last_read_message_id = NEW.id
     WHERE chat_id = NEW.chat_id AND member_id = NEW.sender_id;
"""
FORWARD = {
    "sqlite": [
        f"""CREATE TRIGGER chat_message_sent AFTER INSERT ON chats_message
            BEGIN {BODY} END"""
    ],
    "postgresql": [
        f"""CREATE FUNCTION chat_message_sent() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {BODY} RETURN NULL; END $$""",
        """CREATE TRIGGER chat_message_sent AFTER INSERT ON chats_message
           FOR EACH ROW EXECUTE FUNCTION chat_message_sent()""",
    ],
}
BACKWARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS chat_message_sent"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS chat_message_sent ON chats_message",
        "DROP FUNCTION IF EXISTS chat_message_sent()",
    ],
}


def forward(apps, schema_editor):
    for statement in FORWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in BACKWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("chats", "0005_message_fingerprint")]
    operations = [migrations.RunPython(forward, backward)]
