"""Too many wrong passwords lock the account, and then even the right one is refused."""

import pytest
from axes.conf import settings as axes_settings
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from partners import demo
from partners.account_views import SignInForm

from .support import check_page, goto, path_of, submit

pytestmark = pytest.mark.browser

USERNAME = "chair"
ATTEMPTS = 5


def attempt(page, site, password: str) -> int:
    goto(page, f"{site}/accounts/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", password)
    return submit(page).status


def test_lockout_after_too_many_wrong_passwords(tab, site):
    page = tab
    limit = settings.AXES_FAILURE_LIMIT
    assert limit <= ATTEMPTS, "the lockout would not be reached"
    locked_status = axes_settings.AXES_HTTP_RESPONSE_CODE
    with translation.override("en-gb"):
        wrong_text = str(SignInForm.error_messages["invalid_login"])
        locked_heading = translation.gettext("Your account is locked for now")

    for number in range(1, ATTEMPTS + 1):
        status = attempt(page, site, f"wrong-password-{number}")
        if number < limit:
            assert status == 200, f"attempt {number}"
            check_page(page, label=f"wrong-{number}")
            assert wrong_text in page.locator(".govuk-error-summary").inner_text()
        else:
            assert status == locked_status, f"attempt {number}: {status}"
            check_page(page, status=locked_status, label=f"locked-{number}")
            assert page.locator("h1").inner_text().strip() == locked_heading

    status = attempt(page, site, demo.DEMO_PASSWORD)
    assert status == locked_status
    check_page(page, status=locked_status, label="right-password")
    assert page.locator("h1").inner_text().strip() == locked_heading

    # Not signed in: a partnership page still sends them to the sign-in page.
    slug = next(s.partnership for s in demo.USERS if s.username == USERNAME)
    goto(page, site + reverse("partnership", kwargs={"slug": slug}))
    assert path_of(page) == reverse("login")
