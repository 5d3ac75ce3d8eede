from django import template

register = template.Library()


@register.inclusion_tag("hubs/includes/my_spokes_nav_item.html", takes_context=True)
def my_spokes_nav_item(context):
    """The account pages' link to "Your spokes" (its text lives in the hubs catalogue)."""
    request = context.get("request")
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    return {"current": current == "hubs:my_spokes"}
