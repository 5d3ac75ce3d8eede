"""The registry of personal data: each app says what it holds about a person, and how to export and erase it.

The way Moodle's privacy API and pretix's data shredders work: an app that stores something
about a person registers one `Provider` in its `AppConfig.ready()`, naming the models it
covers. "Download my data" asks every provider for its rows; "Delete my account" asks every
provider to erase. A test walks every model with a field pointing at the user (or holding a
person's email address) and fails when no provider covers it, so a new model cannot forget.

    register(Provider(
        label=_("Registrations and attendance"),
        models=[Registration, Enrollment],
        export=lambda user: {"registrations": [...]},
        erase=erase_registrations,
        erases=_("your notes"), keeps=_("anonymous attendance counts"),
    ))

A provider's `export(user)` returns tables: {table name: [row dict, …]} with plain values
(str, int, bool, None, ISO dates); `erase(user)` removes or blanks what identifies the person
and returns nothing. Both run in the caller's transaction. `core` knows no app: providers
reach the user through what they are handed.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

Table = list[dict]


@dataclass(frozen=True)
class Provider:
    label: str  # what a person calls this data ("Registrations and attendance")
    models: tuple  # every model whose rows about a person this provider exports and erases
    export: Callable[[object], dict[str, Table]]
    erase: Callable[[object], None]
    erases: str = ""  # said on the deletion page: what goes
    keeps: str = ""  # said on the deletion page: what stays, and why
    order: int = 100  # erasure order: lower runs first (the account itself goes last)
    extra_models: tuple = field(default=())  # models covered indirectly (through a parent's erasure)


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    """Add (or replace, keyed by its label's text) a provider; called from AppConfig.ready()."""
    _PROVIDERS[str(provider.label)] = provider


def providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda provider: (provider.order, str(provider.label)))


def covered_models() -> set:
    return {model for provider in _PROVIDERS.values() for model in (*provider.models, *provider.extra_models)}


def plain(value):
    """A value for the JSON export: dates as ISO 8601, decimals as text, lazy strings spoken."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return str(value)


def rows(queryset, fields: Iterable[str]) -> Table:
    """The named fields of each row, as plain values, in primary-key order."""
    fields = list(fields)
    return [{name: plain(row[name]) for name in fields} for row in queryset.order_by("pk").values(*fields)]
