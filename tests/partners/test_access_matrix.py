"""Walk every partnership URL for every persona: the statuses the role table says.

A new /p/<slug>/ route without an access-layer permission fails this test."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ingest.models import Extract
from partners import services
from partners.models import Membership
from partners.roles import ROLES, Perm, Role

from ..conftest import login_verified

# Routes that act on one object: which object of the partnership to put in the URL.
OBJECT_ROUTES = {
    "seat_edit": "seat", "seat_remove": "seat",
    "membership_edit": "membership", "membership_remove": "membership",
    "invitation_revoke": "invitation", "two_factor_reset": "membership",
    "extract": "extract", "extract_errors_csv": "extract", "extract_mapping": "extract",
    "extract_sheet": "extract",
    "definition": "definition", "assessment": "assessment",
    "assessment_compare": "assessment", "assessment_findings": "assessment",
    "finding_edit": "assessment", "assessment_priorities": "assessment",
    "assessment_section": "assessment", "assessment_csv": "assessment",
}
EXTRA_KWARGS = {"template_download": {"name": "police_occurrences_template.csv"},
                "finding_edit": {"key": "total"},
                "assessment_section": {"section": "volumes"},
                "assessment_csv": {"section": "volumes", "table": "by_category"}}
POST_ONLY = {"invitation_revoke", "two_factor_reset"}
# definition_preview: an htmx fragment, a GET goes to the editor; extract_sheet: the
# matrix's extract waits for a mapping, not a sheet, so it goes to the extract's page.
GET_REDIRECTS = {"definition_preview", "extract_sheet"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def partnership_routes() -> list[URLPattern]:
    """Every route of the whole site that names a partnership."""
    return [p for route, p in _walk(get_resolver().url_patterns) if "<slug:slug>" in route]


def test_every_partnership_route_declares_its_permission():
    for pattern in partnership_routes():
        perm = getattr(pattern.callback, "required_perms", None)
        assert perm and all(isinstance(p, Perm) for p in perm), (
            f"{pattern.name} is not behind the access layer")
        if "<int:pk>" in str(pattern.pattern) or "<uuid:uuid>" in str(pattern.pattern):
            assert pattern.name in OBJECT_ROUTES, f"no object for {pattern.name} in the matrix"
        if "<str:" in str(pattern.pattern):
            assert pattern.name in EXTRA_KWARGS, f"no value for {pattern.name} in the matrix"


def _objects(world, partnership, seat):
    invitation = services.invitation_create(seat=seat, role=Role.ANALYST,
                                            email=f"new@{partnership.slug}.org",
                                            invited_by=world.users["superuser"])
    membership = seat.memberships.filter(role=Role.ANALYST).first()
    extract = Extract.objects.create(partnership=partnership, organisation=seat.organisation,
                                     source="police_uk_street", filename="x.csv",
                                     sha256="0" * 64, size=1,
                                     status=Extract.Status.NEEDS_MAPPING)
    return {"seat": seat, "membership": membership, "invitation": invitation,
            "extract": extract, **_assessment_objects(partnership)}


def _assessment_objects(partnership):
    """A finished assessment (with a few police records, so it has findings) and its
    definition."""
    from assessments import services as assessments
    from tests.assessments_app.conftest import add_occurrences

    add_occurrences(partnership, {"rape": [10, 12, 9, 14, 20]},
                    local_authority=partnership.local_authority_codes[0])
    definition = assessments.definition_create(partnership=partnership, name="Matrix",
                                               financial_year="2023/24",
                                               rules={"categories": ["rape"]})
    run = assessments.assessment_start(partnership=partnership, financial_year="2023/24",
                                       definition_version=definition.current, enqueue=False)
    return {"definition": definition, "assessment": assessments.run(assessments.claim(run.pk))}


def _url(pattern, slug, objects):
    kwargs = {"slug": slug, **EXTRA_KWARGS.get(pattern.name, {})}
    if pattern.name in OBJECT_ROUTES:
        obj = objects[OBJECT_ROUTES[pattern.name]]
        key = "uuid" if "<uuid:uuid>" in str(pattern.pattern) else "pk"
        kwargs[key] = getattr(obj, key)
    return reverse(pattern.name, kwargs=kwargs)


def _expected(persona: str, perms: frozenset[Perm], post_only: bool,
              redirects: bool = False) -> int:
    if persona == "anonymous":
        return 302
    if persona == "outsider":
        return 404
    allowed = persona == "superuser" or bool(perms & ROLES[Role(persona)].perms)
    if not allowed:
        return 403
    return 405 if post_only else 302 if redirects else 200


PERSONAS = [role.value for role in Role] + ["superuser", "outsider", "anonymous"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, world, persona):
    objects = _objects(world, world.home, world.home_seat)
    if persona != "anonymous":
        login_verified(client, world.users[persona])
    failures = []
    for pattern in partnership_routes():
        url = _url(pattern, world.home.slug, objects)
        expected = _expected(persona, pattern.callback.required_perms, pattern.name in POST_ONLY,
                             pattern.name in GET_REDIRECTS)
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
    Membership.objects.create(user=world.users[Role.PARTNERSHIP_ADMIN.value],
                              seat=world.home_seat, role=Role.ANALYST)
    obj = foreign[OBJECT_ROUTES[route]]
    pattern = next(p for p in partnership_routes() if p.name == route)
    key = "uuid" if "<uuid:uuid>" in str(pattern.pattern) else "pk"
    kwargs = {"slug": world.home.slug, key: getattr(obj, key), **EXTRA_KWARGS.get(route, {})}
    url = reverse(route, kwargs=kwargs)
    assert client.get(url).status_code in {404, 405}
    assert client.post(url).status_code == 404


def test_site_pages_open_to_anonymous(client, db):
    for name in ("login", "accessibility", "password_reset"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("home")).status_code == 302
