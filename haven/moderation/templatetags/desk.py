from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

register = template.Library()


@register.filter
def stamp(value: str | None) -> str:
    """An ISO timestamp from a frozen evidence payload, as the pages show times."""
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return value or ""
    return date_format(timezone.localtime(moment), "j M Y, H:i:s")


@register.filter
def duration(value) -> str:
    """A timedelta as "3 d 4 h", "2 h 5 min" or "40 s"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"
