"""Each demo user signs in and sees exactly the navigation the role table gives their role."""

import pytest
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation

from partners import access, demo
from partners.models import User
from partners.navigation import PARTNERSHIP_NAV
from partners.roles import Role

from .support import (
    NAV_LINKS,
    SPECS,
    check_page,
    expected_nav,
    goto,
    language_of,
    login,
    nav_links,
    path_of,
    perms_of,
)

pytestmark = pytest.mark.browser

USERNAMES = [*SPECS, "superuser"]


def _partnership_pages() -> list[tuple[str, frozenset]]:
    """Every page addressed by a partnership's slug alone, with the permissions its view
    accepts (any one of them), found by walking the whole URL configuration."""
    found = []

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns,
                     f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
                continue
            view = entry.callback
            perms = getattr(view, "required_perms", None)
            if perms is None and hasattr(view, "required_perm"):
                perms = frozenset({view.required_perm})
            if perms is None or not entry.name:
                continue
            name = namespace + entry.name
            try:
                reverse(name, kwargs={"slug": "x"})
            except NoReverseMatch:
                continue  # needs more than the slug (an object's id)
            found.append((name, frozenset(perms)))

    walk(get_resolver().url_patterns)
    return found


PARTNERSHIP_PAGES = _partnership_pages()


def test_partnership_pages_found():
    names = {name for name, _perms in PARTNERSHIP_PAGES}
    assert {item.url_name for item in PARTNERSHIP_NAV} <= names, names


@pytest.mark.parametrize("username", USERNAMES)
def test_role_navigation_and_access(tab, site, username):
    page = tab
    spec = SPECS.get(username)
    user = User.objects.get(username=username)
    login(page, site, username, expect_two_factor=access.two_factor_required(user))

    if spec is None:  # the superuser lands on the list of every partnership
        slug = demo.PARTNERSHIPS[0].slug
        assert path_of(page) == reverse("home")
        listed = page.locator("main h2 a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        assert sorted(listed) == sorted(reverse("partnership", kwargs={"slug": p.slug})
                                        for p in demo.PARTNERSHIPS)
    else:  # one membership: straight to that partnership
        slug = spec.partnership
        assert path_of(page) == reverse("partnership", kwargs={"slug": slug})
    overview = reverse("partnership", kwargs={"slug": slug})
    if path_of(page) != overview:
        goto(page, site + overview)

    # Labels in the user's own language (cardiff-analyst prefers Welsh).
    language = language_of(username)
    expected = expected_nav(username, slug, language)
    assert nav_links(page) == expected, f"{username}: navigation differs from the role table"
    my_roles = page.locator("[data-testid=my-roles]").inner_text()
    if spec is not None:
        with translation.override(language):
            assert str(Role(spec.role).label) in my_roles, my_roles

    visited = set()
    for label, href in expected:
        if path_of(page) != href:  # the overview is already shown (and checked)
            link = page.locator(f'{NAV_LINKS}[href="{href}"]')
            with page.expect_navigation(wait_until="load") as navigation:
                link.click()
            assert navigation.value.status == 200, f"{username}: {label} ({href})"
            assert path_of(page) == href
            check_page(page)
        visited.add(href)
        assert nav_links(page) == expected, f"{username} on {href}: navigation changed"
        current = page.locator(f'{NAV_LINKS}[aria-current="page"]')
        assert current.count() == 1 and current.get_attribute("href") == href

    perms = perms_of(username)
    for name, allowed_by in PARTNERSHIP_PAGES:
        url = reverse(name, kwargs={"slug": slug})
        if allowed_by & perms:
            if url not in visited:
                goto(page, site + url)
        else:
            goto(page, site + url, status=403)

    # A partnership they hold no role in does not exist for them: 404, never 403.
    if spec is not None:
        others = [p.slug for p in demo.PARTNERSHIPS if p.slug != slug]
        goto(page, site + reverse("partnership", kwargs={"slug": others[-1]}), status=404)
        goto(page, site + reverse("people", kwargs={"slug": others[0]}), status=404)
    else:
        goto(page, site + reverse("partnership", kwargs={"slug": "no-such-partnership"}),
             status=404)
