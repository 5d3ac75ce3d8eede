"""Several shared fragments in one round trip: the missing ones rendered together, all dropped with the programme."""

import pytest

from core.page_cache import invalidate_public_pages, programme_fragments

pytestmark = pytest.mark.usefixtures("page_cache_on")


@pytest.fixture
def renders():
    asked: list[list[str]] = []

    def render_missing(names):
        asked.append(list(names))
        return {name: f"<p>{name} v{len(asked)}</p>" for name in names}

    return asked, render_missing


@pytest.mark.django_db
def test_only_the_missing_fragments_are_rendered_and_in_one_call(renders, django_capture_on_commit_callbacks):
    asked, render_missing = renders

    first = programme_fragments(["a", "b"], render_missing)
    second = programme_fragments(["b", "c", "a"], render_missing)

    assert asked == [["a", "b"], ["c"]]
    assert first == {"a": "<p>a v1</p>", "b": "<p>b v1</p>"}
    assert list(second) == ["b", "c", "a"] and second["c"] == "<p>c v2</p>" and second["a"] == "<p>a v1</p>"


@pytest.mark.django_db
def test_a_programme_change_drops_them_all(renders, django_capture_on_commit_callbacks):
    asked, render_missing = renders
    programme_fragments(["a", "b"], render_missing)

    with django_capture_on_commit_callbacks(execute=True):
        invalidate_public_pages()
    again = programme_fragments(["a", "b"], render_missing)

    assert asked == [["a", "b"], ["a", "b"]]
    assert again["a"] == "<p>a v2</p>"


def test_with_the_cache_off_every_call_renders(settings, renders):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    asked, render_missing = renders

    programme_fragments(["a"], render_missing)
    programme_fragments(["a"], render_missing)
    programme_fragments([], render_missing)

    assert asked == [["a"], ["a"]]
