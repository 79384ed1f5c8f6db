"""`{% help_link "blocking" %}`: the "Learn more" link every safety control carries.
A test walks every template and fails if a named article is missing or a draft."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def help_link(slug: str, label: str = "Learn more") -> str:
    url = reverse("helpcenter:article", args=[slug])
    return format_html('<a class="help-link" href="{}">{}</a>', url, label)
