"""`{% url %}` without `reverse()` on every call: loaded as a template builtin
(settings.TEMPLATES), so every template's `{% url %}` uses it.

Django's `reverse()` costs 40–80 µs a call on this project's URL configuration,
and a page of 50 comments calls it about 80 times (the author's profile, the
flag link, edit and delete). Here each URL name is reversed once per process with
placeholder arguments, and later calls put the real arguments into that
template: a few microseconds. An argument goes in only where `reverse()` would
have produced the same text: digits anywhere, and a plain token (letters, digits,
`_`, `-`: what Django's int, str, slug and path converters leave unquoted) only
where the converter was seen to accept letters. Anything else (keyword
arguments, other characters, a converter the placeholders do not fit) is
reversed by Django as before, so a URL never differs from `reverse()`'s.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import conditional_escape

register = template.Library()

# Placeholders: digits (every built-in converter but uuid accepts them), distinct
# per position and unlikely to occur in a route's own text.
PLACEHOLDERS = tuple(f"8317{n}90624" for n in range(10))
DIGITS = re.compile(r"[0-9]+\Z")
TOKEN = re.compile(r"[A-Za-z0-9_-]+\Z")


@lru_cache(maxsize=2048)
def _template(viewname: str, arity: int, current_app: str | None, prefix: str) -> str | None:
    """The URL with a placeholder for each argument, or None when they do not fit."""
    try:
        url = reverse(viewname, args=PLACEHOLDERS[:arity], current_app=current_app)
    except NoReverseMatch:
        return None
    if any(url.count(p) != 1 for p in PLACEHOLDERS[:arity]):
        return None
    return url


@lru_cache(maxsize=2048)
def _takes_tokens(
    viewname: str, arity: int, position: int, current_app: str | None, prefix: str
) -> bool:
    """Does the converter at `position` take a token with letters, `_` and `-`?"""
    args = list(PLACEHOLDERS[:arity])
    args[position] = "aZ_-0"
    try:
        reverse(viewname, args=args, current_app=current_app)
    except NoReverseMatch:
        return False
    return True


def fast_reverse(viewname: str, args: list, current_app: str | None = None) -> str | None:
    """`reverse(viewname, args=args)` from the cached template, or None when only
    `reverse()` itself can say."""
    if len(args) > len(PLACEHOLDERS) or not isinstance(viewname, str):
        return None
    prefix = get_script_prefix()
    url = _template(viewname, len(args), current_app, prefix)
    if url is None:
        return None
    for position, arg in enumerate(args):
        value = str(arg)
        if not DIGITS.match(value) and not (
            TOKEN.match(value) and _takes_tokens(viewname, len(args), position, current_app, prefix)
        ):
            return None
        url = url.replace(PLACEHOLDERS[position], value)
    return url


class FastURLNode(defaulttags.URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        try:  # as Django's URLNode finds it
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        args = [arg.resolve(context) for arg in self.args]
        url = fast_reverse(self.view_name.resolve(context), args, current_app or None)
        if url is None:
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}` (same syntax), reversed from a cached template."""
    node = defaulttags.url(parser, token)
    node.__class__ = FastURLNode
    return node
