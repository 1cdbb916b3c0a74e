"""The role table is ONE table: rules, access scoping, navigation and the README agree."""

from pathlib import Path

import pytest
from django.urls import reverse

from partners import access, navigation
from partners.models import Partnership
from partners.roledoc import role_table_markdown
from partners.roles import ROLES, Perm, Role

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("role", list(Role))
def test_rules_and_access_layer_follow_the_table(world, role):
    user = world.users[role.value]
    for perm in Perm:
        expected = perm in ROLES[role].perms
        assert user.has_perm(f"partners.{perm.value}", world.home) is expected, perm
        assert access.has_perm(user, perm, world.home) is expected, perm
        # ...and nothing in the partnership they are not in.
        assert user.has_perm(f"partners.{perm.value}", world.other) is False
        scoped = set(access.partnerships(user, perm).values_list("pk", flat=True))
        assert scoped == ({world.home.pk} if expected else set()), perm


@pytest.mark.parametrize("role", list(Role))
def test_navigation_follows_the_table(world, role):
    items = navigation.items_for(world.users[role.value], world.home)
    expected = [i.url_name for i in navigation.PARTNERSHIP_NAV if i.perm in ROLES[role].perms]
    assert [i["url_name"] for i in items] == expected


def test_navigation_items_use_the_permission_of_their_page():
    from django.urls import resolve

    for item in navigation.PARTNERSHIP_NAV:
        view = resolve(reverse(item.url_name, kwargs={"slug": "x"})).func
        assert view.required_perms == {item.perm}, item.url_name


def test_superuser_has_every_permission_everywhere(world):
    root = world.users["superuser"]
    for perm in Perm:
        assert root.has_perm(f"partners.{perm.value}", world.other)
    assert access.partnerships(root).count() == Partnership.objects.count()


def test_inactive_user_has_nothing(world):
    user = world.users[Role.PARTNERSHIP_ADMIN.value]
    user.is_active = False
    user.save()
    access.forget(user)
    assert access.perms_in(user, world.home) == frozenset()
    assert not access.partnerships(user).exists()


def test_readme_role_table_is_generated_from_the_table():
    assert role_table_markdown() in README.read_text(encoding="utf-8"), (
        "README's role table is out of date: paste the output of `manage.py role_table`")
