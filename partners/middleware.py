from django.shortcuts import redirect
from django.urls import reverse

from . import access

# Pages a signed-in user may reach before completing two-factor authentication.
_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz",
                  "/i18n/", "/accessibility/")


class TwoFactorMiddleware:
    """Sends users who must use two-factor authentication to set it up or to verify.

    A user with a confirmed device is always asked for a code at sign-in; a user whose
    partnership requires two-factor for their role (or any superuser) must set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES):
            target = self._target(user)
            if target:
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _target(user) -> str | None:
        if user.is_verified():
            return None
        from django_otp import user_has_device

        if user_has_device(user, confirmed=True):
            return "two_factor_verify"
        if access.two_factor_required(user):
            return "two_factor_setup"
        return None
