import base64

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import services
from partners.roles import Role

from ..factories import confirmed_device

PASSWORD = "a-long-test-password"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_sign_in_and_out(client, world):
    response = sign_in(client, "board_member")
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # one partnership: straight to it
    client.post(reverse("logout"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_wrong_password_gives_a_clear_error(client, world):
    response = sign_in(client, "board_member", "wrong")
    assert response.status_code == 200
    assert "Enter a correct username" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_lockout_after_repeated_failures(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "board_member", "wrong")
    response = sign_in(client, "board_member")
    assert response.status_code == 429
    assert "locked" in response.content.decode()


def test_role_that_requires_two_factor_must_set_it_up(client, world):
    assert Role.ANALYST.value in world.home.two_factor_roles
    sign_in(client, "analyst")
    response = client.get(reverse("partnership", kwargs={"slug": world.home.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_role_without_requirement_is_not_forced(client, world):
    sign_in(client, "board_member")
    response = client.get(reverse("partnership", kwargs={"slug": world.home.slug}))
    assert response.status_code == 200


def test_superuser_always_needs_two_factor(client, world):
    sign_in(client, "root")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))


def test_admin_can_require_two_factor_for_more_roles(world):
    services.partnership_settings_update(partnership=world.home, suppression_threshold=5,
                                         bilingual=False, name_cy="",
                                         two_factor_roles=[Role.BOARD_MEMBER])
    from partners import access
    board = world.users["board_member"]
    access.forget(board)
    assert access.two_factor_required(board)
    analyst = world.users["analyst"]
    access.forget(analyst)
    assert not access.two_factor_required(analyst)


def test_setup_flow_confirms_device_and_shows_recovery_codes_once(client, world):
    sign_in(client, "analyst")
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=world.users["analyst"], confirmed=False)
    secret = page.context["secret"].replace(" ", "")
    assert base64.b32decode(secret) == device.bin_key
    assert client.get(reverse("two_factor_qr"))["Content-Type"] == "image/svg+xml"
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert "wrong or has expired" in wrong.content.decode()
    done = client.post(reverse("two_factor_setup"), {"token": code_for(device)})
    assert done["Location"].startswith(reverse("recovery_codes"))
    codes_page = client.get(done["Location"])
    assert len(codes_page.context["codes"]) == settings.RECOVERY_CODE_COUNT
    assert client.get(reverse("recovery_codes")).status_code == 302  # shown once only
    assert client.get(reverse("partnership", kwargs={"slug": world.home.slug})).status_code == 200


def test_user_with_device_must_verify_and_recovery_code_works_once(client, world):
    user = world.users["analyst"]
    confirmed_device(user)
    codes = services.recovery_codes_generate(user=user)
    sign_in(client, "analyst")
    target = reverse("partnership", kwargs={"slug": world.home.slug})
    assert client.get(target)["Location"].startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_verify"), {"token": "123456"}).status_code == 200
    response = client.post(reverse("two_factor_verify"), {"token": codes[0], "next": target})
    assert response["Location"] == target
    assert client.get(target).status_code == 200
    client.post(reverse("logout"))
    sign_in(client, "analyst")
    again = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert again.status_code == 200  # used codes do not work twice


def test_verify_ignores_offsite_next(client, world):
    user = world.users["board_member"]
    device = confirmed_device(user)
    sign_in(client, "board_member")
    response = client.post(reverse("two_factor_verify"),
                           {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_required_two_factor_cannot_be_turned_off(client, world):
    from ..conftest import login_verified
    login_verified(client, world.users["analyst"])
    client.post(reverse("two_factor_disable"))
    assert TOTPDevice.objects.filter(user=world.users["analyst"]).exists()


def test_django_admin_needs_a_verified_superuser(client, world):
    client.force_login(world.users["superuser"])
    response = client.get("/admin/")
    assert response.status_code == 302
    from ..conftest import login_verified
    login_verified(client, world.users["superuser"])
    assert client.get("/admin/").status_code == 200


def test_demo_users_are_refused_when_not_allowed(client, world, settings):
    user = world.users["board_member"]
    user.is_demo = True
    user.save()
    settings.ALLOW_DEMO_USERS = False
    response = sign_in(client, "board_member")
    assert response.status_code == 200
    assert "Demo accounts cannot sign in" in response.content.decode()


def test_language_switch_sets_cookie_and_remembers_it(client, world):
    from ..conftest import login_verified
    login_verified(client, world.users["board_member"])
    response = client.post(reverse("language_set"), {"language": "cy", "next": "/accessibility/"})
    assert response["Location"] == "/accessibility/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    world.users["board_member"].refresh_from_db()
    assert world.users["board_member"].preferred_language == "cy"


def test_preferred_language_applies_at_sign_in(client, world):
    user = world.users["board_member"]
    user.preferred_language = "cy"
    user.save()
    response = sign_in(client, "board_member")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"


@pytest.mark.parametrize("name", ["password_change"])
def test_password_pages_need_sign_in(client, db, name):
    assert client.get(reverse(name)).status_code == 302


def test_password_reset_sends_a_link(client, world, mailoutbox):
    client.post(reverse("password_reset"), {"email": world.users["analyst"].email})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_wrong_codes_are_throttled(client, world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    user = world.users["board_member"]
    device = confirmed_device(user)
    sign_in(client, "board_member")
    client.post(reverse("two_factor_verify"), {"token": "000000"})
    response = client.post(reverse("two_factor_verify"), {"token": code_for(device)})
    assert response.status_code == 200  # even the right code waits after a wrong one
