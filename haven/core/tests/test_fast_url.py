"""`{% url %}` from a cached template (haven.core.templatetags.fast_url): the same
URL as `reverse()` for every route and every kind of argument, or Django's own
`reverse()` when only it can say."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, get_resolver, reverse

from haven.core.templatetags.fast_url import fast_reverse

SAMPLES = [7, "42", "alice", "Bob_9-x", "comment", "-5", "a b", "a/b", "ü", "", "1.5", "%2F"]


def _named_routes() -> list[tuple[str, int]]:
    """(name, number of arguments) for every named route, namespaces included."""
    found = []

    def walk(resolver, namespace: str) -> None:
        for name, entries in resolver.reverse_dict.lists():
            if isinstance(name, str):
                for bits, *_ in entries:
                    for _text, params in bits:
                        found.append((f"{namespace}{name}", len(params)))
        for ns, (_prefix, sub) in resolver.namespace_dict.items():
            walk(sub, f"{namespace}{ns}:")

    walk(get_resolver(), "")
    return sorted(set(found))


def _reverse(name: str, args: list) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def test_every_route_and_argument_gives_what_reverse_gives():
    routes = [(name, n) for name, n in _named_routes() if 0 < n <= 3]
    assert len(routes) > 40  # the project's routes were found
    fast = 0
    for name, arity in routes:
        for sample in SAMPLES:
            args = [sample] + [1] * (arity - 1)
            got, expected = fast_reverse(name, args), _reverse(name, args)
            if got is not None:
                assert got == expected, (name, args)
                fast += 1
    print(f"{fast} of {len(routes) * len(SAMPLES)} URLs from the cached template")
    assert fast > len(routes)  # the fast path is taken, not always the fallback


@pytest.mark.parametrize(
    ("source", "context"),
    [
        ("{% url 'members:profile' name %}", {"name": "alice"}),
        ("{% url 'members:profile' name %}", {"name": "a b&c"}),  # Django's own, escaped
        ("{% url 'members:profile' username=name %}", {"name": "alice"}),  # keywords
        ("{% url 'community:post' 5 as link %}[{{ link }}]", {}),
        ("{% url 'community:home' %}", {}),
    ],
)
def test_the_tag_renders_what_djangos_url_tag_renders(source, context):
    request = RequestFactory().get("/")
    ours = Template(source)  # the project's engine: fast_url is a builtin
    djangos = Engine().from_string(source)  # Django's built-in tags only
    assert "FastURLNode" in repr(ours.nodelist) and "FastURLNode" not in repr(djangos.nodelist)
    rendered = ours.render(Context({**context, "request": request}))
    assert rendered == djangos.render(Context({**context, "request": request}))
    assert rendered.strip("[]")
