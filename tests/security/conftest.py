import pytest

from tests import factories


@pytest.fixture
def programme(settings):
    """One published series with an upcoming session, and the public page cache on (as in production)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    series = factories.SeriesFactory(title="Palliative Care in Long-Term Care", slug="ltc-cop")
    factories.SessionFactory(series=series, title="Pain at the end of life")
    return series
