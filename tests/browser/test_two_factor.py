"""The admin requires two-factor for board members; a board member then has to set it up."""

import base64

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django_otp.oath import TOTP

from partners.models import Partnership
from partners.roles import Role

from .support import (
    NAV_LINKS,
    SPECS,
    check_page,
    expected_nav,
    login,
    nav_links,
    path_of,
    submit,
)

pytestmark = pytest.mark.browser

ROLE = Role.BOARD_MEMBER
USERNAME = "board-member"


def totp_code(secret: str) -> str:
    """What an authenticator app shows for the key on the setup page (groups of 4)."""
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key, step=30, t0=0, digits=6)
    return f"{totp.token():06d}"


def test_required_two_factor_is_set_up_at_next_sign_in(tab, new_page, site):
    admin_page = tab
    slug = SPECS["admin"].partnership
    assert SPECS[USERNAME].partnership == slug and SPECS[USERNAME].role == ROLE
    partnership = Partnership.objects.get(slug=slug)
    assert ROLE.value not in partnership.two_factor_roles

    # Before: the board member signs straight in (checked in test_roles); now the admin
    # ticks the role in the partnership's settings.
    login(admin_page, site, "admin")
    settings_url = reverse("partnership_settings", kwargs={"slug": slug})
    with admin_page.expect_navigation(wait_until="load"):
        admin_page.locator(f'{NAV_LINKS}[href="{settings_url}"]').click()
    check_page(admin_page)
    checkbox = admin_page.locator(f"input[name=two_factor_roles][value={ROLE.value}]")
    assert not checkbox.is_checked()
    checkbox.check()
    submit(admin_page)
    check_page(admin_page)
    assert path_of(admin_page) == settings_url
    with translation.override("en-gb"):
        saved = translation.gettext("Settings saved.")
    assert saved in admin_page.locator(".govuk-notification-banner--success").inner_text()
    assert admin_page.locator(f"input[name=two_factor_roles][value={ROLE.value}]").is_checked()
    partnership.refresh_from_db()
    assert ROLE.value in partnership.two_factor_roles

    # The board member signs in with their password and is sent to set up two-factor.
    member = new_page()
    login(member, site, USERNAME, expect_two_factor=False)
    assert path_of(member) == reverse("two_factor_setup")
    assert member.locator(".govuk-inset-text").count() == 1  # "Your role needs two-factor"
    assert member.locator("img.svd-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    secret = member.locator("[data-testid=totp-secret]").inner_text().strip()
    assert " " in secret, secret
    member.fill("#id_token", totp_code(secret))
    submit(member)
    check_page(member)

    assert path_of(member) == reverse("recovery_codes")
    codes = [c.strip() for c in member.locator("[data-testid=recovery-codes] li").all_inner_texts()]
    assert len(codes) == settings.RECOVERY_CODE_COUNT == 10
    assert len(set(codes)) == len(codes) and all(codes)

    with member.expect_navigation(wait_until="load"):
        member.locator("main a.govuk-button").click()
    check_page(member)
    assert path_of(member) == reverse("partnership", kwargs={"slug": slug})
    assert nav_links(member) == expected_nav(USERNAME, slug)

    # Their device is confirmed: the partnership page now opens without another code.
    member.goto(site + reverse("people", kwargs={"slug": slug}), wait_until="load")
    check_page(member)
    assert path_of(member) == reverse("people", kwargs={"slug": slug})
