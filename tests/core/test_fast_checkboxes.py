"""The session picker's checkboxes, written out in Python, are the markup Django's own widget templates write."""

import pytest
from django import forms
from django.utils.html import format_html

from core import forms as core_forms

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
    fast_widget = core_forms.CheckboxSelectMultiple(attrs=attrs, choices=CHOICES)

    assert fast_widget.render("sessions", value) == django_widget.render("sessions", value)


def test_labels_are_escaped_unless_already_safe():
    html = core_forms.CheckboxSelectMultiple(choices=CHOICES).render("sessions", [2])

    assert '<span class="pick">Pain &amp; &lt;dyspnea&gt;</span>' in html
    assert "Delirium &lt;b&gt;not bold&lt;/b&gt;" in html
    assert 'value="2" checked' in html


def test_option_groups_fall_back_to_djangos_templates():
    grouped = [("March", [(1, "Pain")]), ("April", [(2, "Grief")])]

    html = core_forms.CheckboxSelectMultiple(choices=grouped).render("sessions", [2])

    assert html == forms.CheckboxSelectMultiple(choices=grouped).render("sessions", [2])
    assert "<label>March</label>" in html


@pytest.mark.django_db
def test_the_picker_still_groups_its_checkboxes_under_a_legend(client, clinician):
    from tests.factories import SeriesFactory, SessionFactory

    series = SeriesFactory(slug="ltc")
    SessionFactory(series=series, title="Pain at the end of life")
    client.force_login(clinician)

    page = client.get("/series/ltc/register/").content.decode()

    assert "<fieldset" in page and "<legend>Choose your sessions</legend>" in page
    assert "Pain at the end of life" in page
