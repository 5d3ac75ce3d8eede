"""Staff and hub managers read each session's and series' evaluations: response rate, distribution and mean per
item, free text, CSV; nobody else does, and a hub manager only their hub's series."""

import csv
import io

import pytest
from django.utils import timezone

from evaluation import results
from evaluation.models import Answer, EvaluationForm, EvaluationRequest, Response
from tests import factories
from tests.evaluation.support import attended, held_session


def _respond(session, *, ratings: dict, intent: str = "", intent_text: str = "", next_topic: str = ""):
    form = EvaluationForm.objects.get(series__isnull=True)
    questions = {q.position: q for q in form.questions.all()}
    response = Response.objects.create(form=form, session=session, submitted_on=timezone.localdate(), language="en")
    for position, rating in ratings.items():
        Answer.objects.create(response=response, question=questions[position], rating=rating)
    if intent:
        Answer.objects.create(response=response, question=questions[4], intent=intent, text=intent_text)
    if next_topic:
        Answer.objects.create(response=response, question=questions[5], text=next_topic)
    return response


@pytest.fixture
def evaluated(hub):
    """A series of the hub with two held sessions: four attendees at the first, three answered; two at the second,
    one answered."""
    series = factories.SeriesFactory(hub=hub, title="LTC Community of Practice")
    first = held_session(days_ago=10, series=series, title="Dyspnea")
    second = held_session(days_ago=3, series=series, title="Grief")
    for _ in range(4):
        registration = attended(session=first)
        EvaluationRequest.objects.create(user=registration.user, session=first, expires_at=timezone.now())
    for _ in range(2):
        registration = attended(session=second)
        EvaluationRequest.objects.create(user=registration.user, session=second, expires_at=timezone.now())
    factories.RegistrationFactory(session=first, attended_minutes=0)
    _respond(first, ratings={1: 5, 2: 4}, intent="yes", intent_text="Use the dyspnea scale", next_topic="Grief")
    _respond(first, ratings={1: 4, 2: 4}, intent="unsure")
    _respond(first, ratings={1: 3}, next_topic="Opioid rotation")
    _respond(second, ratings={1: 2}, intent="no")
    return series, first, second


@pytest.mark.django_db
def test_figures_match_the_hand_computed_ones(evaluated):
    series, first, second = evaluated

    sessions = list(results.sessions_with_rates(series=series))
    items = {
        item.question.position: item
        for item in results.summarize(responses=Response.objects.filter(session__series=series))
    }

    assert [(s.title, s.attendees, s.asked, s.responses) for s in sessions] == [
        ("Dyspnea", 4, 4, 3),
        ("Grief", 2, 2, 1),
    ]
    assert items[1].answered == 4 and items[1].mean == 3.5  # (5 + 4 + 3 + 2) / 4
    assert [share.count for share in items[1].distribution] == [0, 1, 1, 1, 1]
    assert [share.percent for share in items[1].distribution] == [0, 25, 25, 25, 25]
    assert items[2].mean == 4.0 and items[2].answered == 2
    assert [(share.count, share.percent) for share in items[4].distribution] == [(1, 33), (1, 33), (1, 33)]
    assert items[4].texts == ["Use the dyspnea scale"]
    assert sorted(items[5].texts) == ["Grief", "Opioid rotation"] and items[5].answered == 2
    session_rate = results.rate(sessions=first.__class__.objects.filter(pk=first.pk))
    assert (session_rate.attendees, session_rate.responses, session_rate.percent) == (4, 3, 75)


@pytest.mark.django_db
def test_staff_read_a_series_and_a_session_and_download_the_answers(client, staff, evaluated):
    series, first, _ = evaluated
    client.force_login(staff)

    index = client.get("/staff/evaluations/").content.decode()
    page = client.get(f"/staff/evaluations/series/{series.pk}/").content.decode()
    session_page = client.get(f"/staff/evaluations/sessions/{first.pk}/").content.decode()
    download = client.get(f"/staff/evaluations/series/{series.pk}/responses.csv")

    assert "LTC Community of Practice" in index
    assert "67 %" in page  # four responses from six attendees
    assert "mean 3.50 out of 5" in page and "Opioid rotation" in page
    assert "75 %" in session_page and "mean 4.00 out of 5" in session_page
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert table[0][:4] == ["answered_on", "session", "session_date", "language"]
    assert "respondent" not in table[0]
    assert len(table) == 5
    row = next(line for line in table[1:] if "Use the dyspnea scale" in line)
    assert row[1] == "Dyspnea" and row[4:] == ["5", "4", "yes", "Use the dyspnea scale", "Grief"]


@pytest.mark.django_db
def test_the_hub_manager_sees_their_hub_s_evaluations_and_nothing_of_another_hub(
    client, hub_manager, other_hub_manager, evaluated, hub, other_hub
):
    series, first, _ = evaluated
    foreign = held_session(series=factories.SeriesFactory(hub=other_hub))
    client.force_login(hub_manager)

    page = client.get(f"/hubs/{hub.slug}/manage/evaluations/series/{series.pk}/")
    assert page.status_code == 200 and "Dyspnea" in page.content.decode()
    assert client.get(f"/hubs/{hub.slug}/manage/evaluations/").status_code == 200
    for url in [
        f"/hubs/{other_hub.slug}/manage/evaluations/",
        f"/hubs/{hub.slug}/manage/evaluations/series/{foreign.series.pk}/",
        f"/hubs/{hub.slug}/manage/evaluations/series/{foreign.series.pk}/responses.csv",
        f"/hubs/{hub.slug}/manage/evaluations/sessions/{foreign.pk}/",
        f"/hubs/{hub.slug}/manage/evaluations/sessions/{foreign.pk}/responses.csv",
        f"/hubs/{other_hub.slug}/manage/evaluations/series/{series.pk}/",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_clinicians_and_hub_managers_cannot_open_the_staff_pages(client, clinician, hub_manager, evaluated):
    series, first, _ = evaluated
    for user in (clinician, hub_manager):
        client.force_login(user)
        for url in [
            "/staff/evaluations/",
            f"/staff/evaluations/series/{series.pk}/",
            f"/staff/evaluations/sessions/{first.pk}/responses.csv",
        ]:
            assert client.get(url).status_code == 403, url
    client.logout()
    assert client.get("/staff/evaluations/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_results_pages_take_a_fixed_number_of_queries(client, staff, evaluated, django_assert_max_num_queries):
    series, first, second = evaluated
    client.force_login(staff)
    client.get(f"/staff/evaluations/series/{series.pk}/")
    for _ in range(20):
        _respond(second, ratings={1: 4, 3: 2}, intent="yes", intent_text="More", next_topic="Sleep")
    # session, user and auth; the series; sessions with rates; questions, counts, texts; over-time questions, means
    with django_assert_max_num_queries(14):
        client.get(f"/staff/evaluations/series/{series.pk}/")
