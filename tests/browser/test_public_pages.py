"""Pages anyone can reach: the accessibility statement, sign-in (and its errors), a 404."""

import pytest
from django.urls import reverse
from django.utils import translation

from partners.account_views import SignInForm

from .support import check_page, goto, login, path_of, submit

pytestmark = pytest.mark.browser


def heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def gettext_en(text: str) -> str:
    with translation.override("en-gb"):
        return translation.gettext(text)


def test_accessibility_statement(tab, site):
    goto(tab, site + reverse("accessibility"))
    assert heading(tab) == gettext_en("Accessibility statement for SVD Platform")


def test_login_page_and_its_error_state(tab, site):
    goto(tab, site + reverse("login"))
    assert heading(tab) == gettext_en("Sign in to SVD Platform")
    submit(tab)
    check_page(tab, label="errors")
    summary = tab.locator(".govuk-error-summary").inner_text()
    form = SignInForm()
    with translation.override("en-gb"):
        for name in ("username", "password"):
            assert str(form.fields[name].error_messages["required"]) in summary
    hrefs = tab.locator(".govuk-error-summary__list a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["#id_username", "#id_password"]


def test_signed_out_home_goes_to_sign_in(tab, site):
    goto(tab, site + "/")
    assert path_of(tab) == reverse("login")


def test_page_not_found(tab, site):
    goto(tab, site + "/no-such-page/", status=404)
    assert heading(tab) == gettext_en("Page not found")


def test_page_not_found_signed_in(tab, site):
    login(tab, site, "chair")
    goto(tab, site + "/no-such-page/", status=404)
    assert heading(tab) == gettext_en("Page not found")
