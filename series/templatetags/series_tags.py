"""Pieces of the catalog pages shared between series, sessions and hub pages."""

from django import template

from enrollment.registration import registration_state as compute_registration_state

register = template.Library()


@register.inclusion_tag("series/includes/registration_badge.html")
def registration_badge(series):
    """{% registration_badge series %}: "Registration open", "Registration opens on March 3", "Full"…"""
    return {"state": compute_registration_state(series)}


@register.simple_tag
def registration_state(series):
    """{% registration_state series as state %}: the state itself, to branch on `state.is_open`."""
    return compute_registration_state(series)
