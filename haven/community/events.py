"""What happens in the community spaces, for whoever listens (haven.core.events)."""

from django.dispatch import Signal

# A member wrote or rewrote text others will read: kind ("post", "comment" or
# "share"), item_id, author_id.
text_written = Signal()
