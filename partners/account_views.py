"""Accounts: sign-in with lockout (axes), two-factor (django-otp), invitations, language."""

import io

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access, services
from .forms import AcceptInvitationForm, TokenForm, posted
from .models import Invitation, User


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy(
            "Enter a correct username or email address and password. Both are case "
            "sensitive."),
        "inactive": gettext_lazy("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("Username or email address")
        self.fields["username"].error_messages["required"] = gettext_lazy(
            "Enter your username or email address")
        self.fields["password"].error_messages["required"] = gettext_lazy("Enter your password")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_demo and not settings.ALLOW_DEMO_USERS:
            # SECURITY: demo accounts have a published password.
            raise forms.ValidationError(
                gettext_lazy("Demo accounts cannot sign in to this installation."),
                code="demo")


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().preferred_language
        if language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                                secure=settings.LANGUAGE_COOKIE_SECURE)
        return response


def _next_url(request, default: str = "home") -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _unconfirmed_totp(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator app",
                                               confirmed=False)


@never_cache
@login_required
def two_factor_setup(request):
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("two_factor")
    device = _unconfirmed_totp(request.user)
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            request.session["recovery_codes"] = services.recovery_codes_generate(
                user=request.user)
            return redirect(f"{reverse('recovery_codes')}?next={_next_url(request)}")
        form.add_error("token", _("The security code is wrong or has expired: enter the "
                                  "6-digit code your app shows now"))
    return render(request, "registration/two_factor_setup.html", {
        "form": form, "secret": _base32(device), "required": access.two_factor_required(
            request.user), "next": _next_url(request)})


def _base32(device: TOTPDevice) -> str:
    import base64

    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@never_cache
@login_required
def two_factor_qr(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        raise Http404
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@never_cache
@login_required
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(request, ngettext(
                    "You used a recovery code. %(n)d is left: make new ones soon.",
                    "You used a recovery code. %(n)d are left: make new ones if you are "
                    "running low.", left) % {"n": left})
            return redirect(_next_url(request))
        form.add_error("token", _("The security code is wrong or has expired: enter the "
                                  "6-digit code your app shows now, or a recovery code"))
    return render(request, "registration/two_factor_verify.html",
                  {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def recovery_codes(request):
    codes = request.session.pop("recovery_codes", None)
    if codes is None:
        return redirect("two_factor")
    return render(request, "registration/recovery_codes.html",
                  {"codes": codes, "next": _next_url(request)})


@never_cache
@login_required
def two_factor(request):
    user = request.user
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    static = StaticDevice.objects.filter(user=user).first()
    return render(request, "registration/two_factor.html", {
        "totp": totp, "recovery_left": static.token_set.count() if static else 0,
        "required": access.two_factor_required(user)})


@require_POST
@login_required
def recovery_codes_new(request):
    if not request.user.is_verified():
        return redirect("two_factor_verify")
    request.session["recovery_codes"] = services.recovery_codes_generate(user=request.user)
    return redirect("recovery_codes")


@require_POST
@login_required
def two_factor_disable(request):
    if access.two_factor_required(request.user):
        messages.error(request, _("Your role requires two-factor authentication: it cannot "
                                  "be turned off."))
        return redirect("two_factor")
    for device in devices_for_user(request.user, confirmed=None):
        device.delete()
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("two_factor")


@never_cache
def invitation(request, token):
    invitation = Invitation.objects.by_token(token).select_related(
        "seat__partnership", "seat__organisation").first()
    if invitation is None:
        return render(request, "partners/invitation_invalid.html", status=404)
    context = {"invitation": invitation, "partnership": invitation.seat.partnership}
    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation, context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        return render(request, "partners/invitation_sign_in.html", context)
    return _accept_new_account(request, invitation, context)


def _accept_signed_in(request, invitation, context):
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as error:
            context["error"] = error.messages[0]
        else:
            return _joined(request, invitation)
    return render(request, "partners/invitation_accept.html", context)


def _accept_new_account(request, invitation, context):
    form = AcceptInvitationForm(posted(request), email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(email=invitation.email, **form.cleaned_data)
        services.invitation_accept(invitation=invitation, user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _joined(request, invitation)
    context["form"] = form
    return render(request, "partners/invitation_new_account.html", context)


def _joined(request, invitation):
    messages.success(request, _("You have joined %(p)s as %(role)s.") % {
        "p": invitation.seat.partnership, "role": invitation.get_role_display()})
    return redirect("partnership", slug=invitation.seat.partnership.slug)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


@require_POST
def language_set(request):
    """Switch language (a form, no script), remembered for the account too."""
    form = LanguageForm(request.POST)
    response = redirect(_next_url(request))
    if form.is_valid():
        language = form.cleaned_data["language"]
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                            secure=settings.LANGUAGE_COOKIE_SECURE)
        if request.user.is_authenticated:
            services.user_language_set(user=request.user, language=language)
    return response
