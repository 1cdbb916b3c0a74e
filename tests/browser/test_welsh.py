"""Welsh: the header's language switch, and a user whose preferred language is Welsh.

Expected Welsh text comes from the compiled catalogue (locale/cy/LC_MESSAGES/django.mo)
through gettext, so these tests follow the catalogue rather than copies of it."""

import functools
import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from partners import demo
from partners.models import Partnership

from .support import NAV_LINKS, check_page, expected_nav, login, nav_links, path_of

pytestmark = pytest.mark.browser


WELSH_MO = settings.LOCALE_PATHS[0] / "cy" / "LC_MESSAGES" / "django.mo"


@functools.cache
def _welsh_catalogue() -> list:
    return [entry for entry in polib.mofile(str(WELSH_MO))
            if entry.msgstr or any(entry.msgstr_plural.values())]


def welsh_msgids() -> frozenset[str]:
    """The texts the compiled Welsh catalogue has a translation for (some, like "Data", are
    the same word in Welsh, so comparing with the English would not tell)."""
    return frozenset(entry.msgid for entry in _welsh_catalogue())


def welsh_translations() -> frozenset[str]:
    return frozenset(entry.msgstr for entry in _welsh_catalogue() if entry.msgstr)


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def headings(page) -> list[str]:
    return page.locator("h1, h2").evaluate_all(
        "hs => hs.map(h => h.textContent.replace(/\\s+/g, ' ').trim())")


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def assert_headings_welsh(page) -> None:
    """Every heading is a translation from the Welsh catalogue, or a proper name."""
    names = set(Partnership.objects.values_list("name", flat=True))
    not_welsh = [text for text in headings(page)
                 if text not in welsh_translations() and text not in names]
    assert not not_welsh, f"{path_of(page)}: headings not in the Welsh catalogue: {not_welsh}"


def switch_language(page, button_text: str) -> None:
    button = page.locator("header form button[type=submit]", has_text=button_text)
    assert button.count() == 1, f"no '{button_text}' language button in the header"
    before = path_of(page)
    with page.expect_navigation(wait_until="load"):
        button.click()
    assert path_of(page) == before, "switching language did not come back to the same page"
    check_page(page, label=f"after-{button_text}")


def test_language_switch_to_welsh_and_back(tab, site):
    page = tab
    username = "admin"
    spec = next(s for s in demo.USERS if s.username == username)
    login(page, site, username)
    assert path_of(page) == reverse("partnership", kwargs={"slug": spec.partnership})
    assert html_lang(page) == "en-GB"

    english_nav = expected_nav(username, spec.partnership, "en-gb")
    welsh_nav = expected_nav(username, spec.partnership, "cy")
    missing = [label for label, _href in english_nav if label not in welsh_msgids()]
    assert not missing, f"the Welsh catalogue does not translate the navigation labels {missing}"

    overview = english_nav[0][1]
    assert path_of(page) == overview
    english_headings = headings(page)

    switch_language(page, "Cymraeg")
    assert html_lang(page) == "cy"
    assert nav_links(page) == welsh_nav
    english_button = page.locator("header form button[type=submit]", has_text="English")
    assert english_button.get_attribute("lang") == "en-GB"
    # The same page's headings, each as the catalogue translates it.
    assert headings(page) == [in_language("cy", text) for text in english_headings]

    for _label, href in [*welsh_nav[1:], welsh_nav[0]]:  # ending on the overview
        page.goto(site + href, wait_until="load")
        check_page(page)
        assert html_lang(page) == "cy"
        assert nav_links(page) == welsh_nav
        assert_headings_welsh(page)
        assert in_language("cy", "SVD Platform") in page.title(), page.title()

    switch_language(page, "English")
    assert html_lang(page) == "en-GB"
    assert nav_links(page) == english_nav
    assert headings(page) == english_headings


def test_preferred_language_welsh_after_sign_in(tab, site):
    page = tab
    username = "cardiff-analyst"
    spec = next(s for s in demo.USERS if s.username == username)
    assert spec.language == "cy"
    partnership = Partnership.objects.get(slug=spec.partnership)

    seen_verify = []

    def on_verify(verify_page):
        # The password was accepted: from here on the interface is in Welsh.
        seen_verify.append(True)
        assert html_lang(verify_page) == "cy"
        assert headings(verify_page)[0] == in_language("cy", "Enter your security code")

    login(page, site, username, on_two_factor=on_verify)
    assert seen_verify, "cardiff-analyst was not asked for a security code"
    assert path_of(page) == reverse("partnership", kwargs={"slug": spec.partnership})
    assert html_lang(page) == "cy"
    welsh_nav = expected_nav(username, spec.partnership, "cy")
    assert nav_links(page) == welsh_nav
    assert page.locator(".svd-header__partnership").inner_text().strip() == partnership.name_cy
    assert page.locator(NAV_LINKS).first.inner_text().strip() == in_language("cy", "Overview")
    # The overview's own headings: the name (with its Welsh form) then translated h2s.
    found = headings(page)
    assert re.sub(r"\s+", " ", found[0]) == f"{partnership.name} {partnership.name_cy}"
    assert "Who sits in the partnership" in welsh_msgids()
    assert in_language("cy", "Who sits in the partnership") in found
    assert in_language("cy", "Support links") in found

    # On an inner page the title and the breadcrumb name the partnership in Welsh too, as
    # the header does.
    people = reverse("people", kwargs={"slug": spec.partnership})
    with page.expect_navigation(wait_until="load"):
        page.locator(f'{NAV_LINKS}[href="{people}"]').click()
    check_page(page)
    assert html_lang(page) == "cy"
    crumbs = page.locator(".govuk-breadcrumbs__link").all_inner_texts()
    assert crumbs[-1].strip() == partnership.name_cy, crumbs
    assert partnership.name_cy in page.title() and partnership.name not in page.title()
