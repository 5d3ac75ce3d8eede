"""core.prepared_sql.fetch_all gives what the plain statement gives, in one round trip, however the connection fares:
a new connection, a rolled back transaction, a statement that failed while it was being prepared."""

import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction

from core import prepared_sql
from tests import factories

pytestmark = pytest.mark.django_db

SQL = "SELECT s.id, s.title_en FROM series_series s WHERE s.status = %s AND s.created_at < %s ORDER BY s.id"


def _plain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.fixture
def programme():
    return [factories.SeriesFactory(title=f"Series {n} 100% 'quoted'") for n in range(3)]


@pytest.fixture(autouse=True)
def _no_stale_names_left_behind():
    """The test connection outlives each test: once a test has dropped its prepared statements under it, the names it
    keeps for the statements other tests prepared would fail the next test that runs one inside its transaction."""
    yield
    connections[DEFAULT_DB_ALIAS].__dict__.get("prepared_statements", {}).clear()


def _prepared_then_dropped():
    """The statement prepared on this connection, then every prepared statement dropped under it."""
    expected = _plain(SQL, _params())
    assert prepared_sql.fetch_all(SQL, _params()) == expected
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    return expected


def _params():
    return ["published", dt.datetime.now(dt.UTC) + dt.timedelta(days=1)]


def test_the_answer_is_the_plain_statements_the_first_time_and_after(programme, django_assert_num_queries):
    expected = _plain(SQL, _params())
    assert len(expected) == 3

    for _ in range(7):  # PostgreSQL may switch to a generic plan after five runs
        with django_assert_num_queries(1):  # PREPARE and EXECUTE go together the first time
            assert prepared_sql.fetch_all(SQL, _params()) == expected
    assert prepared_sql.fetch_all(SQL, ["draft", _params()[1]]) == _plain(SQL, ["draft", _params()[1]])


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_it_again(programme):
    expected = _plain(SQL, _params())
    assert prepared_sql.fetch_all(SQL, _params()) == expected
    connection.close()

    assert prepared_sql.fetch_all(SQL, _params()) == expected
    assert prepared_sql.fetch_all(SQL, _params()) == expected


def test_a_rolled_back_transaction_keeps_the_statement_usable(programme):
    expected = _plain(SQL, _params())
    with pytest.raises(RuntimeError), transaction.atomic():
        assert prepared_sql.fetch_all(SQL, _params()) == expected  # prepared here
        raise RuntimeError

    assert prepared_sql.fetch_all(SQL, _params()) == expected


@pytest.mark.postgres
def test_a_statement_that_failed_while_prepared_is_prepared_again_under_another_name(programme):
    failing = "SELECT 1 / %s"
    with pytest.raises(DatabaseError), transaction.atomic():
        prepared_sql.fetch_all(failing, [0])  # PREPARE succeeded, EXECUTE divided by zero

    assert prepared_sql.fetch_all(failing, [1]) == [(1,)]
    assert prepared_sql.fetch_all(failing, [1]) == [(1,)]


@pytest.mark.postgres
def test_only_placeholders_may_hold_a_percent_sign():
    with pytest.raises(ValueError):
        prepared_sql.fetch_all("SELECT 'a%' || %s", ["b"])
    with pytest.raises(ValueError):
        prepared_sql.fetch_all("SELECT %s", [1, 2])


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_statement_whose_result_type_changed_under_it_is_answered_and_prepared_again(programme):
    """A migration changed the type of a column the kept statement returns while this connection lived on."""
    sql = "SELECT s.title_en FROM series_series s WHERE s.status = %s ORDER BY s.id"
    before = prepared_sql.fetch_all(sql, ["published"])
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE series_series ALTER COLUMN title_en TYPE text")
    try:
        assert prepared_sql.fetch_all(sql, ["published"]) == before
        assert prepared_sql.fetch_all(sql, ["published"]) == before
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE series_series ALTER COLUMN title_en TYPE varchar(250)")


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_statements_dropped_from_the_connection_are_prepared_again(programme):
    """A pooler in front of PostgreSQL, or DISCARD ALL, dropped the connection's prepared statements."""
    expected = _prepared_then_dropped()

    assert prepared_sql.fetch_all(SQL, _params()) == expected
    assert prepared_sql.fetch_all(SQL, _params()) == expected


@pytest.mark.postgres
def test_inside_a_transaction_a_stale_statement_fails_it_and_the_next_one_prepares_afresh(programme):
    expected = _prepared_then_dropped()

    with pytest.raises(DatabaseError), transaction.atomic():
        prepared_sql.fetch_all(SQL, _params())
    assert prepared_sql.fetch_all(SQL, _params()) == expected
