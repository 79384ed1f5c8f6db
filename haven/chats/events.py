"""What happens in chats, for whoever listens (haven.core.events): sent after commit."""

from django.dispatch import Signal

# A message was stored: message_id, sender_id, chat_id, fingerprint ("" for a text too
# short to count as a repeated message; haven.chats.fingerprints).
message_sent = Signal()
