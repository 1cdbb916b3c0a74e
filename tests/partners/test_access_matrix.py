"""Walk every partnership URL for every persona: the statuses the role table says.

A new /p/<slug>/ route without an access-layer permission fails this test."""

import pytest
from django.urls import URLPattern, reverse

from partners import services
from partners import urls as partner_urls
from partners.roles import ROLES, Perm, Role

from ..conftest import login_verified

# Routes that act on one object: which object of the partnership to put in the URL.
OBJECT_ROUTES = {
    "seat_edit": "seat", "seat_remove": "seat",
    "membership_edit": "membership", "membership_remove": "membership",
    "invitation_revoke": "invitation", "two_factor_reset": "membership",
}
POST_ONLY = {"invitation_revoke", "two_factor_reset"}


def partnership_routes() -> list[URLPattern]:
    return [p for p in partner_urls.urlpatterns if "<slug:slug>" in str(p.pattern)]


def test_every_partnership_route_declares_its_permission():
    for pattern in partnership_routes():
        perm = getattr(pattern.callback, "required_perm", None)
        assert isinstance(perm, Perm), f"{pattern.name} is not behind the access layer"
        if "<int:pk>" in str(pattern.pattern):
            assert pattern.name in OBJECT_ROUTES, f"no object for {pattern.name} in the matrix"


def _objects(world, partnership, seat):
    invitation = services.invitation_create(seat=seat, role=Role.ANALYST,
                                            email=f"new@{partnership.slug}.org",
                                            invited_by=world.users["superuser"])
    membership = seat.memberships.filter(role=Role.ANALYST).first()
    return {"seat": seat, "membership": membership, "invitation": invitation}


def _url(pattern, slug, objects):
    kwargs = {"slug": slug}
    if pattern.name in OBJECT_ROUTES:
        kwargs["pk"] = objects[OBJECT_ROUTES[pattern.name]].pk
    return reverse(pattern.name, kwargs=kwargs)


def _expected(persona: str, perm: Perm, post_only: bool) -> int:
    if persona == "anonymous":
        return 302
    if persona == "outsider":
        return 404
    allowed = persona == "superuser" or perm in ROLES[Role(persona)].perms
    if not allowed:
        return 403
    return 405 if post_only else 200


PERSONAS = [role.value for role in Role] + ["superuser", "outsider", "anonymous"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, world, persona):
    objects = _objects(world, world.home, world.home_seat)
    if persona != "anonymous":
        login_verified(client, world.users[persona])
    failures = []
    for pattern in partnership_routes():
        url = _url(pattern, world.home.slug, objects)
        expected = _expected(persona, pattern.callback.required_perm, pattern.name in POST_ONLY)
        status = client.get(url).status_code
        if status != expected:
            failures.append(f"GET {url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", sorted(OBJECT_ROUTES))
def test_another_partnerships_object_is_404_even_for_its_admin(client, world, route):
    """The home admin may manage seats, but not with the other partnership's ids."""
    foreign = _objects(world, world.other, world.other_seat)
    foreign["membership"] = world.other_seat.memberships.first()
    login_verified(client, world.users[Role.PARTNERSHIP_ADMIN.value])
    url = reverse(route, kwargs={"slug": world.home.slug,
                                 "pk": foreign[OBJECT_ROUTES[route]].pk})
    assert client.get(url).status_code in {404, 405}
    assert client.post(url).status_code == 404


def test_site_pages_open_to_anonymous(client, db):
    for name in ("login", "accessibility", "password_reset"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("home")).status_code == 302
