"""{% shared_include "template.html" %}: a part of the page that is the same for everyone, rendered once.

For pieces of the layout that read nothing from the request or the viewer (the footer's links, the header): rendered
once per language and time zone and kept as `core.page_cache.programme_fragment` keeps its fragments, instead of
resolving their URLs and translations again on every page. The template is rendered with an empty context, so it
cannot show anything personal by mistake; values given to the tag (`{% shared_include "x.html"
here=request.resolver_match.url_name %}`: a few booleans or names, never anything personal) are its whole context
and name the fragment (a digest of them), one rendering for each.

Two things a shared part may show are each request's own, and are put in after: a form's CSRF token
(`{% csrf_token %}` renders a placeholder in the shared rendering, replaced by the request's token) and the address
of the page (`{{ current_path }}`, the path and query string, escaped, as a form's "next" field carries it).
"""

import hashlib

from django import template
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.page_cache import programme_fragment

register = template.Library()

# What the shared rendering holds where each request's own value goes: no character that escaping changes.
CSRF_TOKEN_HOLE = "\x00shared-part:csrf-token\x00"
CURRENT_PATH_HOLE = "\x00shared-part:current-path\x00"


def render_shared(context, template_name: str, values: dict) -> str:
    """`template_name` rendered with `values` only, once per language, time zone and values; the CSRF token and the
    address of the request being rendered (`context`'s) put in."""
    digest = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:32]
    html = programme_fragment(
        f"include:{template_name}:{digest}",
        lambda: render_to_string(
            template_name, {**values, "csrf_token": CSRF_TOKEN_HOLE, "current_path": CURRENT_PATH_HOLE}
        ),
    )
    if CSRF_TOKEN_HOLE in html:
        html = html.replace(CSRF_TOKEN_HOLE, str(context.get("csrf_token") or ""))
    if CURRENT_PATH_HOLE in html:
        request = context.get("request")
        html = html.replace(CURRENT_PATH_HOLE, escape(request.get_full_path()) if request is not None else "")
    return mark_safe(html)  # noqa: S308 (a rendered template, and a token and an address escaped by Django)


@register.simple_tag(takes_context=True)
def shared_include(context, template_name: str, **values) -> str:
    return render_shared(context, template_name, values)
