"""What happened: the seam between a surface and whoever listens to it.

A surface (chats, friends, safety's limits) says what happened with `emit`, inside its
own transaction, and never imports who cares. Automated protection and notifications
connect receivers to the surface's signals (in their AppConfig.ready). A receiver does
no work on the request path: it only enqueues a task (haven.core.tasks.
enqueue_on_commit), which runs once the transaction commits, so a rolled-back action
leaves nothing to do. A receiver that fails is logged; the member's action goes on.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)


def emit(signal: Signal, **payload) -> None:
    """Send `signal` with `payload` (ids and plain values) to its receivers."""
    for receiver, result in signal.send_robust(sender=None, **payload):
        if isinstance(result, Exception):
            log.error("event receiver %r failed", receiver, exc_info=result)
