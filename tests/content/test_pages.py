"""FAQ, newsletters, semi-annual reports and About, written by staff in admin in both languages, safe to show."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from content.models import FaqEntry, FaqTopic, Newsletter, Page, Report
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def faq(db):
    joining = FaqTopic.objects.create(title_en="Joining", title_fr="Adhésion", position=1)
    credits = FaqTopic.objects.create(title_en="Credits", title_fr="Crédits", position=2)
    FaqTopic.objects.create(title_en="Empty topic", position=3)
    FaqEntry.objects.create(
        topic=joining,
        question_en="Who can join?",
        question_fr="Qui peut participer?",
        answer_en="Any health care professional in Canada.\n\nStudents too.",
        answer_fr="Tout professionnel de la santé au Canada.",
    )
    FaqEntry.objects.create(topic=credits, question_en="Are sessions accredited?", answer_en="<p>Yes.</p>")
    FaqEntry.objects.create(topic=credits, question_en="A draft question", answer_en="No", is_published=False)
    return joining, credits


def test_the_faq_groups_published_questions_by_topic(client, faq):
    html = client.get("/faq/").content.decode()

    assert html.index("<h2") < html.index("Who can join?") < html.index("Are sessions accredited?")
    assert '<h2 id="topic-' in html and ">Joining</h2>" in html and ">Credits</h2>" in html
    assert "<p>Any health care professional in Canada.</p>" in html and "<p>Students too.</p>" in html
    assert "A draft question" not in html
    assert "Empty topic" not in html


def test_the_faq_in_french_falls_back_to_english_where_staff_wrote_only_english(client, faq):
    html = client.get("/faq/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="fr">' in html
    assert ">Adhésion</h2>" in html and "Qui peut participer?" in html
    assert "Tout professionnel de la santé au Canada." in html
    assert "Are sessions accredited?" in html  # no French yet: the English shows rather than nothing


def test_what_staff_paste_is_sanitised(client, faq):
    joining, _ = faq
    FaqEntry.objects.create(
        topic=joining, question_en="Unsafe?", answer_en='<p onclick="x()">Hi</p><script>alert(1)</script>'
    )

    html = client.get("/faq/").content.decode()

    assert "<p>Hi</p>" in html
    assert "alert(1)" not in html and "onclick" not in html


def test_the_newsletter_archive_lists_published_issues_with_a_page_or_a_pdf(client, settings):
    Newsletter.objects.create(
        title_en="Autumn 2026",
        title_fr="Automne 2026",
        slug="autumn-2026",
        published_on=dt.date(2026, 10, 1),
        summary_en="New hubs in Manitoba.",
        body_en="<h2>New hubs</h2><p>Two in Manitoba.</p>",
        is_published=True,
    )
    Newsletter.objects.create(
        title_en="Spring 2026",
        slug="spring-2026",
        published_on=dt.date(2026, 4, 1),
        is_published=True,
        pdf_en=SimpleUploadedFile("spring.pdf", b"%PDF-1.4 spring", content_type="application/pdf"),
    )
    Newsletter.objects.create(title_en="Winter draft", slug="winter", is_published=False)

    archive = client.get("/newsletters/").content.decode()
    assert archive.index("Autumn 2026") < archive.index("Spring 2026")
    assert "Winter draft" not in archive
    assert 'href="/newsletters/autumn-2026/"' in archive
    assert "/media/newsletters/spring" in archive and "Spring 2026 (PDF)" in archive

    issue = client.get("/newsletters/autumn-2026/").content.decode()
    assert "<h2>New hubs</h2><p>Two in Manitoba.</p>" in issue
    assert "Automne 2026" in client.get("/newsletters/autumn-2026/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert client.get("/newsletters/winter/").status_code == 404


def test_the_reports_archive(client):
    Report.objects.create(
        title_en="Semi-annual report, spring 2026",
        title_fr="Rapport semestriel, printemps 2026",
        slug="2026-h1",
        period_en="October 2025 to March 2026",
        period_fr="Octobre 2025 à mars 2026",
        summary_en="1,200 clinicians took part.",
        is_published=True,
        pdf_en=SimpleUploadedFile("h1.pdf", b"%PDF-1.4 report", content_type="application/pdf"),
    )
    Report.objects.create(title_en="Draft report", slug="draft", period_en="-", is_published=False)

    html = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Rapport semestriel, printemps 2026" in html and "Octobre 2025 à mars 2026" in html
    assert "1,200 clinicians took part." in html
    assert "/media/reports/h1" in html
    assert "Draft report" not in html
    assert "Octobre 2025 à mars 2026" in client.get("/reports/2026-h1/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert client.get("/reports/draft/").status_code == 404


def test_about_shows_what_staff_wrote_and_the_hub_partners(client):
    factories.HubFactory(name="Prairie Coast Hub", slug="prairie-coast")
    factories.HubFactory(name="Hidden Hub", slug="hidden", is_active=False)
    Page.objects.all().delete()
    # The migration writes the text the site showed before staff could edit it, in both languages.
    import_module("content.migrations.0002_about_page").create_about(apps, None)
    page = Page.objects.get(slot="about")
    assert "tele-mentoring" in page.body_en and "télémentorat" in page.body_fr
    page.body_en = "<p>Edited by staff.</p>"
    page.save()

    html = client.get("/about/").content.decode()

    assert "<p>Edited by staff.</p>" in html
    assert 'href="/hubs/prairie-coast/"' in html
    assert "Hidden Hub" not in html
    french = client.get("/about/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "À propos du Projet ECHO" in french and "télémentorat" in french


def test_the_footer_and_the_home_page_link_the_pages(client):
    home = client.get("/").content.decode()

    footer = home[home.index("<footer") :]
    for url in ["/faq/", "/newsletters/", "/reports/", "/about/", "/stay-connected/", "/partners/interest/"]:
        assert f'href="{url}"' in footer
    main = home[home.index("<main") : home.index("<footer")]
    assert 'href="/stay-connected/"' in main and 'href="/faq/"' in main


def test_staff_write_a_question_in_both_languages_in_admin(client, staff):
    topic = FaqTopic.objects.create(title_en="Joining")
    client.force_login(staff)

    response = client.post(
        "/admin/content/faqentry/add/",
        {
            "topic": topic.pk,
            "question_en": "Is there a cost?",
            "question_fr": "Y a-t-il des frais?",
            "answer_en": "No.",
            "answer_fr": "Non.",
            "position": 0,
            "is_published": "on",
        },
    )

    assert response.status_code == 302
    client.logout()  # a visitor reading in French (a signed-in account reads in its own language)
    assert "Y a-t-il des frais?" in client.get("/faq/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_only_staff_edit_the_pages(client, clinician):
    client.force_login(clinician)
    assert client.get("/admin/content/page/").status_code == 302
