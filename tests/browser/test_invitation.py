"""The partnership admin invites someone; they accept the one-time link and create an account."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from partners.forms import InvitationForm
from partners.models import Partnership, User
from partners.roles import ROLES, Role

from .support import (
    NAV_LINKS,
    SPECS,
    check_page,
    login,
    nav_for_perms,
    nav_links,
    path_of,
    submit,
)

pytestmark = pytest.mark.browser

NEW_EMAIL = "new.person@example.org"
NEW_PASSWORD = "Violet-Otter-Lantern-2026"
NEW_ROLE = Role.ACTION_OWNER
NEW_ORGANISATION = "Dorset Police"


def click_link(page, locator) -> None:
    with page.expect_navigation(wait_until="load"):
        locator.click()
    check_page(page)


def test_invite_accept_and_link_used_once(tab, new_page, site):
    admin_page = tab
    spec = SPECS["admin"]
    slug = spec.partnership
    partnership = Partnership.objects.get(slug=slug)
    # The invited role must not need two-factor here, or they would be sent to set it up.
    assert NEW_ROLE.value not in partnership.two_factor_roles

    login(admin_page, site, "admin")
    click_link(admin_page, admin_page.locator(
        f'{NAV_LINKS}[href="{reverse("people", kwargs={"slug": slug})}"]'))
    with translation.override("en-gb"):
        invite_text = translation.gettext("Invite someone")
    click_link(admin_page, admin_page.locator("main a.govuk-button", has_text=invite_text))
    assert path_of(admin_page) == reverse("invite", kwargs={"slug": slug})

    # An empty submission: the GOV.UK error summary, linking to each field.
    submit(admin_page)
    check_page(admin_page, label="errors")
    summary = admin_page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert admin_page.title().startswith("Error:")
    links = summary.locator(".govuk-error-summary__list a")
    found = links.evaluate_all("as => as.map(a => [a.textContent.trim(), a.getAttribute('href')])")
    fields = InvitationForm.base_fields
    with translation.override("en-gb"):
        expected = [[str(fields["email"].error_messages["required"]), "#id_email"],
                    [str(fields["seat"].error_messages["required"]), "#id_seat"],
                    [str(fields["role"].error_messages["required"]), "#id_role_0"]]
    assert found == expected
    for _text, href in expected:
        assert admin_page.locator(href).count() == 1, f"error link {href} leads nowhere"
    # GOV.UK Frontend moves focus to the summary, and a link to its field.
    assert admin_page.evaluate(
        "() => document.activeElement.classList.contains('govuk-error-summary')")
    links.first.click()
    assert admin_page.evaluate("() => document.activeElement.id") == "id_email"

    admin_page.fill("#id_email", NEW_EMAIL)
    admin_page.select_option("#id_seat", label=NEW_ORGANISATION)
    admin_page.check(f"input[name=role][value={NEW_ROLE.value}]")
    submit(admin_page)
    check_page(admin_page)
    assert path_of(admin_page) == reverse("people", kwargs={"slug": slug})
    banner = admin_page.locator(".govuk-notification-banner--success")
    assert NEW_EMAIL in banner.inner_text()
    assert NEW_EMAIL in admin_page.locator("[data-testid=invitations]").inner_text()

    # The email (locmem backend, eager Celery, same process as the live server).
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [NEW_EMAIL]
    match = re.search(r"https?://\S+/invite/[^/\s]+/", message.body)
    assert match, message.body
    # The link is built from settings.SITE_URL: follow its path on the live server.
    link = site + urlsplit(match.group(0)).path

    invitee = new_page()
    response = invitee.goto(link, wait_until="load")
    assert response.status == 200
    check_page(invitee)
    assert partnership.name in invitee.locator("h1").inner_text()
    assert NEW_EMAIL in invitee.locator("main").inner_text()
    invitee.fill("#id_first_name", "Nia")
    invitee.fill("#id_last_name", "Roberts")
    invitee.fill("#id_password", NEW_PASSWORD)
    submit(invitee)
    check_page(invitee)
    assert path_of(invitee) == reverse("partnership", kwargs={"slug": slug})
    joined = invitee.locator(".govuk-notification-banner--success").inner_text()
    with translation.override("en-gb"):
        role_label = str(NEW_ROLE.label)
    assert partnership.name in joined and role_label in joined, joined
    my_roles = invitee.locator("[data-testid=my-roles] strong").all_inner_texts()
    assert my_roles == [role_label]
    assert nav_links(invitee) == nav_for_perms(ROLES[NEW_ROLE].perms, slug)
    user = User.objects.get(email=NEW_EMAIL)
    assert (user.first_name, user.last_name) == ("Nia", "Roberts")

    # The link works once: signed in or not, it now shows the "does not work" page.
    with translation.override("en-gb"):
        dead = translation.gettext("This invitation link does not work")
    response = invitee.goto(link, wait_until="load")
    assert response.status == 404
    check_page(invitee, status=404)
    assert invitee.locator("h1").inner_text().strip() == dead
    stranger = new_page()
    response = stranger.goto(link, wait_until="load")
    assert response.status == 404
    check_page(stranger, status=404)
    assert stranger.locator("h1").inner_text().strip() == dead

    # The admin now sees them in the partnership and no invitation waiting.
    admin_page.reload(wait_until="load")
    check_page(admin_page)
    assert "Nia Roberts" in admin_page.locator("[data-testid=people]").inner_text()
    assert admin_page.locator("[data-testid=invitations]").count() == 0
