import pytest
from django.core.exceptions import ValidationError

from partners import services
from partners.models import Invitation, Membership, Organisation, Partnership, Seat
from partners.roles import Role


def test_partnership_create_seats_the_six_specified_authorities(db):
    p, created = services.partnership_create(slug="bcp", name="BCP CSP", kind="csp",
                                             local_authority_codes=["E06000058"])
    assert created
    sectors = sorted(p.seats.values_list("organisation__sector", flat=True))
    assert sectors == sorted(["police", "fire", "health", "local_authority",
                              "youth_justice", "probation"])
    assert p.seats.get(organisation__sector="police").organisation.name == "Dorset Police"


def test_partnership_create_is_idempotent_and_organisations_exist_once(db):
    services.partnership_create(slug="bcp", name="BCP CSP", kind="csp",
                                local_authority_codes=["E06000058"])
    again, created = services.partnership_create(slug="bcp", name="Renamed", kind="csp",
                                                 local_authority_codes=["E06000058"])
    assert not created and again.name == "BCP CSP"
    services.partnership_create(slug="dorset", name="Dorset CSP", kind="csp",
                                local_authority_codes=["E06000059"])
    police = Organisation.objects.get(name="Dorset Police")
    assert police.seats.count() == 2
    assert Organisation.objects.filter(name="NHS Dorset").count() == 1
    assert set(police.local_authority_codes) == {"E06000058", "E06000059"}


def test_police_force_covers_its_whole_area(db):
    services.partnership_create(slug="banes", name="B&NES VRP", kind="vrp",
                                local_authority_codes=["E06000022"])
    force = Organisation.objects.get(name="Avon and Somerset Constabulary")
    assert set(force.local_authority_codes) == {"E06000022", "E06000023", "E06000024",
                                                "E06000025", "E06000066"}


def test_unknown_local_authority_is_a_clear_error_and_creates_nothing(db):
    with pytest.raises(ValidationError, match="E09999999"):
        services.partnership_create(slug="x", name="X", kind="csp",
                                    local_authority_codes=["E09999999"])
    assert not Partnership.objects.exists()


def test_welsh_partnerships_are_bilingual_by_default(db):
    p, _ = services.partnership_create(slug="cardiff", name="Cardiff CSP", kind="csp",
                                       nation="wales", local_authority_codes=["W06000015"])
    assert p.bilingual
    e, _ = services.partnership_create(slug="bcp", name="BCP", kind="csp",
                                       local_authority_codes=["E06000058"])
    assert not e.bilingual


def test_link_to_self_is_refused(world):
    with pytest.raises(ValidationError):
        services.partnership_link(source=world.home, target=world.home, kind="part_of")


def test_last_partnership_admin_cannot_be_removed_or_demoted(world):
    admin = Membership.objects.get(user=world.users["partnership_admin"])
    with pytest.raises(ValidationError, match="at least one partnership admin"):
        services.membership_remove(membership=admin)
    with pytest.raises(ValidationError, match="at least one partnership admin"):
        services.membership_change(membership=admin, seat=admin.seat, role=Role.ANALYST)
    assert Membership.objects.filter(pk=admin.pk, role=Role.PARTNERSHIP_ADMIN).exists()


def test_membership_cannot_move_to_another_partnerships_seat(world):
    analyst = Membership.objects.get(user=world.users["analyst"])
    with pytest.raises(ValidationError):
        services.membership_change(membership=analyst, seat=world.other_seat,
                                   role=Role.ANALYST)


def test_seat_with_people_cannot_be_removed(world):
    with pytest.raises(ValidationError, match="Remove those people first"):
        services.seat_remove(seat=world.home_seat)
    empty = world.home.seats.get(organisation__sector="probation")
    services.seat_remove(seat=empty)
    assert not Seat.objects.filter(pk=empty.pk).exists()


def test_invitation_token_is_hashed_and_works_once(
        world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(seat=world.home_seat, role=Role.BOARD_MEMBER,
                                                email="New.Person@Example.org",
                                                invited_by=world.users["partnership_admin"])
    assert invitation.email == "new.person@example.org"
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invite/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in invitation.token_hash
    assert Invitation.objects.by_token(token).get() == invitation
    user = services.user_create(email="new.person@example.org", first_name="N",
                                last_name="P", password="a-long-test-password")
    services.invitation_accept(invitation=invitation, user=user)
    assert Membership.objects.filter(user=user, role=Role.BOARD_MEMBER).exists()
    assert not Invitation.objects.by_token(token).exists()
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(invitation=invitation, user=user)


def test_invitation_for_another_email_is_refused(world):
    invitation = services.invitation_create(seat=world.home_seat, role=Role.ANALYST,
                                            email="someone@example.org",
                                            invited_by=world.users["partnership_admin"])
    with pytest.raises(ValidationError, match="another email"):
        services.invitation_accept(invitation=invitation, user=world.users["analyst"])


def test_welsh_partnership_invitation_email_is_bilingual(
        world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(seat=world.other_seat, role=Role.ANALYST,
                                   email="gwen@example.org", invited_by=world.users["superuser"])
    body = mailoutbox[0].body
    assert "It works once" in body
    assert body.count("/invite/") == 2  # the Welsh and the English text both carry the link


def test_recovery_codes_replace_the_old_set(world):
    user = world.users["analyst"]
    first = services.recovery_codes_generate(user=user)
    second = services.recovery_codes_generate(user=user)
    assert len(second) == 10 and not set(first) & set(second)
    assert user.staticdevice_set.get().token_set.count() == 10
