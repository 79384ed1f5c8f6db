"""Full-text search: an FTS5 index kept in sync by triggers on SQLite. On
PostgreSQL the search uses to_tsvector over the same columns (the help center is
small enough that no extra index is needed there), so this is a no-op."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE helpcenter_article_fts USING fts5(
        title, body, content='helpcenter_article', content_rowid='id',
        tokenize='porter unicode61')""",
    """CREATE TRIGGER helpcenter_article_ai AFTER INSERT ON helpcenter_article BEGIN
        INSERT INTO helpcenter_article_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body); END""",
    """CREATE TRIGGER helpcenter_article_ad AFTER DELETE ON helpcenter_article BEGIN
        INSERT INTO helpcenter_article_fts(helpcenter_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body); END""",
    """CREATE TRIGGER helpcenter_article_au AFTER UPDATE ON helpcenter_article BEGIN
        INSERT INTO helpcenter_article_fts(helpcenter_article_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO helpcenter_article_fts(rowid, title, body)
        VALUES (new.id, new.title, new.body); END""",
    "INSERT INTO helpcenter_article_fts(helpcenter_article_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS helpcenter_article_ai",
    "DROP TRIGGER IF EXISTS helpcenter_article_ad",
    "DROP TRIGGER IF EXISTS helpcenter_article_au",
    "DROP TABLE IF EXISTS helpcenter_article_fts",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("helpcenter", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
