import pytest
from django.urls import reverse

from partners.models import Invitation, Membership, Seat
from partners.roles import Role


def url(name, world, **kwargs):
    return reverse(name, kwargs={"slug": world.home.slug, **kwargs})


@pytest.fixture
def admin(as_user, world):
    return as_user(world.users["partnership_admin"])


def test_overview_shows_line_up_and_specified_authority_coverage(admin, world):
    page = admin.get(url("partnership", world)).content.decode()
    assert "Dorset Police" in page and "Specified authority" in page
    assert page.count('govuk-tag--green">Seated') == 6
    assert "Needs your attention" in page


def test_scrutiny_member_sees_line_up_but_not_people(as_user, world):
    client = as_user(world.users["scrutiny_member"])
    page = client.get(url("partnership", world)).content.decode()
    assert "Dorset Police" in page
    assert world.users["analyst"].last_name not in page
    assert 'data-testid="scrutiny-panel"' in page
    assert "Needs your attention" not in page


def test_invite_form_errors_are_summarised(admin, world):
    response = admin.post(url("invite", world), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_email"' in page and 'href="#id_role_0"' in page
    assert page.count("govuk-error-message") == 3
    assert "<title>Error:" in page


def test_invite_sends_and_lists_pending_then_revoke(admin, world, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    seat = world.home_seat
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url("invite", world), {
            "email": "new@example.org", "seat": seat.pk, "role": Role.ACTION_OWNER})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    people = admin.get(url("people", world)).content.decode()
    assert "new@example.org" in people
    invitation = Invitation.objects.get()
    admin.post(url("invitation_revoke", world, pk=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_invite_cannot_use_another_partnerships_seat(admin, world):
    response = admin.post(url("invite", world), {
        "email": "x@example.org", "seat": world.other_seat.pk, "role": Role.ANALYST})
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_accept_invitation_with_new_account(client, world, mailoutbox,
                                            django_capture_on_commit_callbacks):
    from partners import services
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(seat=world.home_seat, role=Role.BOARD_MEMBER,
                                   email="fresh@example.org",
                                   invited_by=world.users["partnership_admin"])
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invite/" in line)
    path = "/" + link.split("/", 3)[3]
    weak = client.post(path, {"first_name": "F", "last_name": "P", "password": "password"})
    assert "This password is too" in weak.content.decode()
    done = client.post(path, {"first_name": "Fran", "last_name": "Price",
                              "password": "correct-horse-battery-staple"})
    assert done["Location"] == url("partnership", world)
    assert Membership.objects.filter(user__email="fresh@example.org",
                                     role=Role.BOARD_MEMBER).exists()
    client.post(reverse("logout"))
    assert client.get(path).status_code == 404


def test_change_role_and_remove(admin, world):
    board = Membership.objects.get(user=world.users["board_member"])
    admin.post(url("membership_edit", world, pk=board.pk),
               {"seat": board.seat.pk, "role": Role.CHAIR})
    board.refresh_from_db()
    assert board.role == Role.CHAIR
    admin.post(url("membership_remove", world, pk=board.pk))
    assert not Membership.objects.filter(pk=board.pk).exists()


def test_removing_the_last_admin_shows_an_error(admin, world):
    mine = Membership.objects.get(user=world.users["partnership_admin"])
    response = admin.post(url("membership_remove", world, pk=mine.pk))
    assert response.status_code == 200
    assert "at least one partnership admin" in response.content.decode()


def test_seat_add_edit_remove(admin, world, other_org):
    admin.post(url("seat_add", world), {"organisation": other_org.pk, "voting": ""})
    seat = Seat.objects.get(partnership=world.home, organisation=other_org)
    assert seat.voting is False and seat.specified_authority is False
    admin.post(url("seat_edit", world, pk=seat.pk), {"voting": "on"})
    seat.refresh_from_db()
    assert seat.voting
    admin.post(url("seat_remove", world, pk=seat.pk))
    assert not Seat.objects.filter(pk=seat.pk).exists()


def test_settings_validates_threshold(admin, world):
    response = admin.post(url("partnership_settings", world),
                          {"suppression_threshold": 50, "two_factor_roles": ["analyst"]})
    assert "Enter a threshold between 2 and 20" in response.content.decode()
    admin.post(url("partnership_settings", world),
               {"suppression_threshold": 10, "two_factor_roles": ["analyst", "chair"],
                "bilingual": "on", "name_cy": "PDC Cartref"})
    world.home.refresh_from_db()
    assert world.home.suppression_threshold == 10
    assert world.home.two_factor_roles == ["analyst", "chair"]


def test_audit_history_keeps_deleted_records_and_only_this_partnership(admin, world, other_org):
    admin.post(url("seat_add", world), {"organisation": other_org.pk})
    seat = Seat.objects.get(organisation=other_org)
    admin.post(url("seat_remove", world, pk=seat.pk))
    page = admin.get(url("audit", world)).content.decode()
    assert page.count("Extra Organisation in Home CSP") >= 2  # created, then deleted
    assert "Other CSP" not in page


def test_audit_records_the_actor(admin, world, other_org):
    admin.post(url("seat_add", world), {"organisation": other_org.pk})
    from auditlog.models import LogEntry
    entry = LogEntry.objects.get(object_repr="Extra Organisation in Home CSP")
    assert entry.actor == world.users["partnership_admin"]


def test_pages_send_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_not_found_page_is_ours(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_healthz_reports_database_and_broker(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_when_broker_is_down(client, db, monkeypatch):
    from svd_platform import views
    monkeypatch.setattr(views, "_broker_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_admin_resets_a_members_lost_two_factor(admin, world):
    from auditlog.models import LogEntry
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ..factories import confirmed_device
    analyst = Membership.objects.get(user=world.users["analyst"])
    confirmed_device(analyst.user)
    people = admin.get(url("people", world)).content.decode()
    assert url("two_factor_reset", world, pk=analyst.pk) in people
    admin.post(url("two_factor_reset", world, pk=analyst.pk))
    assert not TOTPDevice.objects.filter(user=analyst.user).exists()
    entry = LogEntry.objects.filter(object_repr=str(analyst)).latest("timestamp")
    assert entry.actor == world.users["partnership_admin"]
    assert "two-factor" in admin.get(url("audit", world)).content.decode()
