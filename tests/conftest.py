"""Personas (as in healthchecks' alice/bob/charlie): one user per role in the "home"
partnership, a superuser, and a user of another partnership who must see nothing."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from partners import services
from partners.models import Partnership, Seat, User
from partners.roles import Role

from .factories import OrganisationFactory, UserFactory, confirmed_device


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request read in Welsh leaves Welsh active in the test's thread (LocaleMiddleware
    activates the reader's language and nothing resets it): the next test starts in
    English again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class World:
    home: Partnership
    other: Partnership
    home_seat: Seat
    other_seat: Seat
    users: dict[str, User]


@pytest.fixture
def world(db) -> World:
    home, _ = services.partnership_create(slug="home-csp", name="Home CSP", kind="csp",
                                          local_authority_codes=["E06000058"])
    other, _ = services.partnership_create(slug="other-csp", name="Other CSP", kind="csp",
                                           nation="wales", local_authority_codes=["W06000015"])
    home_seat = home.seats.get(organisation__sector="local_authority")
    other_seat = other.seats.get(organisation__sector="local_authority")
    users = {}
    for role in Role:
        user = UserFactory(username=role.value)
        services.membership_add(user=user, seat=home_seat, role=role)
        users[role.value] = user
    outsider = UserFactory(username="outsider")
    for role in Role:  # every role, but elsewhere
        services.membership_add(user=outsider, seat=other_seat, role=role)
    users["outsider"] = outsider
    users["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    return World(home, other, home_seat, other_seat, users)


def login_verified(client, user) -> None:
    """Sign in as someone who has passed two-factor authentication."""
    client.force_login(user)
    device = confirmed_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def as_user(client):
    def sign_in(user):
        login_verified(client, user)
        return client

    return sign_in


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Extra Organisation")
