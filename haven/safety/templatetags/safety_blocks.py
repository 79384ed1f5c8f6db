"""`{% is_blocking user member as blocking %}`: whether the viewer blocks `member`,
for the Block / Unblock button on a profile or a chat page (one indexed query)."""

from django import template

from haven.safety.blocks import is_blocking as _is_blocking

register = template.Library()


@register.simple_tag
def is_blocking(viewer, member) -> bool:
    return _is_blocking(viewer, member)
