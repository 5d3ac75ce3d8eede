from django import template

from hubs import role_cache

register = template.Library()


@register.inclusion_tag("hubs/includes/my_spokes_nav_item.html", takes_context=True)
def my_spokes_nav_item(context):
    """The account pages' link to "Your spokes" (its text lives in the hubs catalogue)."""
    request = context.get("request")
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {"current": current == "hubs:my_spokes"}


@register.simple_tag(takes_context=True)
def hubs_i_run(context) -> list:
    """The hubs the signed-in viewer holds a role in (manager or facilitator), by name, each with `viewer_role`,
    its label and `viewer_is_manager`.

    Read once per request from the cache (hubs/role_cache.py), however many places of the page link to
    "Manage <hub>".
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return []
    if not hasattr(request, "_hubs_i_run"):
        request._hubs_i_run = role_cache.hub_roles(user)
    return request._hubs_i_run


@register.inclusion_tag("hubs/includes/manage_nav_items.html", takes_context=True)
def manage_hub_nav_items(context):
    """The header menu's "Manage <hub>" entries, one per hub the viewer has a role in."""
    request = context.get("request")
    current = getattr(getattr(request, "resolver_match", None), "kwargs", {}).get("slug")
    in_portal = getattr(getattr(request, "resolver_match", None), "namespace", "") == "hubs:manage"
    return {"hubs": hubs_i_run(context), "current_slug": current if in_portal else None}


@register.inclusion_tag("hubs/includes/manage_links.html", takes_context=True)
def manage_hub_links(context):
    """The profile's "Manage <hub>" list, with the viewer's role in each hub (nothing for people without one)."""
    return {"hubs": hubs_i_run(context)}


@register.inclusion_tag("hubs/includes/manage_this_hub.html", takes_context=True)
def manage_this_hub_link(context, hub):
    """On a hub's public page, its managers and facilitators get the way into its portal."""
    return {"hub": next((mine for mine in hubs_i_run(context) if mine.pk == hub.pk), None)}
