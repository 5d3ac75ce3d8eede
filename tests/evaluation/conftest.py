import pytest

from tests.evaluation.support import ensure_default_form


@pytest.fixture(autouse=True)
def _default_form(db):
    ensure_default_form()
