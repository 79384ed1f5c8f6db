"""The chat_message_sent trigger (chats.0006) is still there after every migration: a
migration that rebuilds chats_message on SQLite would silently drop it, and chat
previews and read marks would stop moving."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_message_insert_trigger_exists():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["chats_message"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'chats_message'::regclass"
                " AND NOT tgisinternal"
            )
        assert ("chat_message_sent",) in cursor.fetchall()
