"""The schema on PostgreSQL: all migrations applied, and the JSONField lookup of the audit
page (additional_data__partnership_id) keeps each partnership's history to itself."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partners import selectors, services
from partners.models import Seat, Sector

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_all_migrations_are_applied_on_postgresql():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"].startswith("test_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_setting('server_version_num')::int")
        database, version = cursor.fetchone()
    assert database == connection.settings_dict["NAME"]
    assert version >= 150000

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    applied = executor.recorder.applied_migrations()
    for app_label in ("partners", "auditlog", "django_celery_results", "otp_totp"):
        assert any(label == app_label for label, _name in applied), app_label


def _seat_entries(partnership, seat) -> list[LogEntry]:
    seat_type = ContentType.objects.get_for_model(Seat)
    return [entry for entry in selectors.audit_entries(partnership)
            if entry.content_type_id == seat_type.pk and entry.object_pk == str(seat.pk)]


def test_audit_entries_json_lookup_scopes_to_the_partnership():
    first, _ = services.partnership_create(slug="first-csp", name="First CSP", kind="csp",
                                           with_seats=False)
    second, _ = services.partnership_create(slug="second-csp", name="Second CSP", kind="csp",
                                            with_seats=False)
    council = services.organisation_ensure(name="First Council",
                                           sector=Sector.LOCAL_AUTHORITY)
    police = services.organisation_ensure(name="Second Police", sector=Sector.POLICE)

    seat = services.seat_add(partnership=first, organisation=council,
                             specified_authority=True, voting=True)
    other_seat = services.seat_add(partnership=second, organisation=police,
                                   specified_authority=True, voting=True)

    # The lookup is done by PostgreSQL on the jsonb column, not in Python.
    sql = str(selectors.audit_entries(first).query)
    assert "additional_data" in sql and "->" in sql, sql

    created = _seat_entries(first, seat)
    assert [e.action for e in created] == [LogEntry.Action.CREATE]
    assert created[0].additional_data == {"partnership_id": first.pk}
    assert _seat_entries(second, seat) == []
    assert [e.action for e in _seat_entries(second, other_seat)] == [LogEntry.Action.CREATE]
    assert _seat_entries(first, other_seat) == []

    # A removed seat's history stays with its partnership, found only through the JSON field.
    services.seat_update(seat=seat, specified_authority=True, voting=False)
    seat_pk = seat.pk
    services.seat_remove(seat=seat)
    seat.pk = seat_pk
    actions = [e.action for e in _seat_entries(first, seat)]
    assert sorted(actions) == sorted([LogEntry.Action.CREATE, LogEntry.Action.UPDATE,
                                      LogEntry.Action.DELETE])
    assert _seat_entries(second, seat) == []
