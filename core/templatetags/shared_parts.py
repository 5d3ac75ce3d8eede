"""{% shared_include "template.html" %}: a part of the page that is the same for everyone, rendered once.

For pieces of the layout that read nothing from the request or the viewer (the footer's links, a fixed list of
links): rendered once per language and time zone and kept as `core.page_cache.programme_fragment` keeps its
fragments, instead of resolving their URLs and translations again on every page. The template is rendered with
an empty context, so it cannot show anything personal by mistake; values given to the tag
(`{% shared_include "x.html" here=request.resolver_match.url_name %}`: a few booleans or short names, never
anything personal) are its whole context and part of the fragment's name, one rendering for each.
"""

from django import template
from django.template.loader import render_to_string

from core.page_cache import programme_fragment

register = template.Library()


@register.simple_tag
def shared_include(template_name: str, **values) -> str:
    name = "".join([f"include:{template_name}", *(f":{key}={values[key]}" for key in sorted(values))])
    return programme_fragment(name, lambda: render_to_string(template_name, values))
