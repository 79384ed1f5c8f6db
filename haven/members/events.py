"""What happened to accounts, for whoever listens (haven.core.events)."""

from django.dispatch import Signal

# An account was opened: member_id, device_username (who last signed in on the
# browser it was opened from, "" for none; haven.members.devices).
member_joined = Signal()

# A member signed in on a browser another member signed in on before: member_id,
# device_username.
device_shared = Signal()
