from django import template

from core.templatetags.shared_parts import render_shared
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


# The main menu's items, by the pages that make each one current (its own page and the pages under it).
MENU_ITEM_OF_VIEW = {
    "home": "home",
    "series:catalog": "programs",
    "series:detail": "programs",
    "echo_sessions:past": "past",
    "hubs:list": "hubs",
    "hubs:detail": "hubs",
    "enrollment:my_learning": "my_learning",
    "enrollment:mainpro_summary": "my_learning",
    "accounts:profile": "profile",
}


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    """The page header (templates/includes/site_header.html): the same for everyone who sees the same links, so it
    is rendered once per language and per what it shows (the page it marks current, signed in or not, the hubs the
    viewer has a role in, the staff links), the menu item marked aria-current="page" being the page's own or the one
    it sits under (MENU_ITEM_OF_VIEW), the viewer's CSRF token and page address put in afterwards
    (core/templatetags/shared_parts.py). Its "Manage <hub>" entries come from the cache (`hubs_i_run`)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    user = context.get("user")
    values = {
        "here": MENU_ITEM_OF_VIEW.get(getattr(match, "view_name", None)),
        "signed_in": bool(getattr(user, "is_authenticated", False)),
    }
    if values["signed_in"]:
        in_portal = getattr(match, "namespace", "") == "hubs:manage"
        values.update(
            hubs=tuple(hubs_i_run(context)),
            current_hub=match.kwargs.get("slug") if in_portal else None,
            staff=user.is_staff,
            reach=user.is_staff and user.has_perm("hubs.view_all_hubs"),
            in_reports=getattr(match, "app_name", None) == "reports",
        )
    return render_shared(context, "includes/site_header.html", values)


@register.inclusion_tag("hubs/includes/manage_links.html", takes_context=True)
def manage_hub_links(context):
    """The profile's "Manage <hub>" list, with the viewer's role in each hub (nothing for people without one)."""
    return {"hubs": hubs_i_run(context)}


@register.inclusion_tag("hubs/includes/manage_this_hub.html", takes_context=True)
def manage_this_hub_link(context, hub):
    """On a hub's public page, its managers and facilitators get the way into its portal."""
    return {"hub": next((mine for mine in hubs_i_run(context) if mine.pk == hub.pk), None)}
