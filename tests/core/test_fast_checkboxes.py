"""The session picker's checkboxes, written out in Python, are the markup Django's own widget templates write."""

import pytest
from django import forms
from django.utils.html import format_html

from core.forms import FastCheckboxSelectMultiple

CHOICES = [
    (1, format_html('<span class="pick">{}</span>', "Pain & <dyspnea>")),
    (2, "Delirium <b>not bold</b>"),
    (3, "Grief"),
]


@pytest.mark.parametrize(
    "attrs", [{}, {"id": "id_sessions"}, {"id": "id_sessions", "class": "picker", "disabled": True}], ids=str
)
@pytest.mark.parametrize("value", [None, [], [2], [1, 3], ["3"]], ids=str)
def test_same_markup_as_djangos_widget(attrs, value):
    django_widget = forms.CheckboxSelectMultiple(attrs=attrs, choices=CHOICES)
    fast_widget = FastCheckboxSelectMultiple(attrs=attrs, choices=CHOICES)

    assert fast_widget.render("sessions", value) == django_widget.render("sessions", value)


def test_labels_are_escaped_unless_already_safe():
    html = FastCheckboxSelectMultiple(choices=CHOICES).render("sessions", [2])

    assert '<span class="pick">Pain &amp; &lt;dyspnea&gt;</span>' in html
    assert "Delirium &lt;b&gt;not bold&lt;/b&gt;" in html
    assert 'value="2" checked' in html


def test_option_groups_fall_back_to_djangos_templates():
    grouped = [("March", [(1, "Pain")]), ("April", [(2, "Grief")])]

    html = FastCheckboxSelectMultiple(choices=grouped).render("sessions", [2])

    assert html == forms.CheckboxSelectMultiple(choices=grouped).render("sessions", [2])
    assert "<label>March</label>" in html
