from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from partners import account_views

from . import views

# The Django admin is for site superusers, who must have verified a second factor.
admin.site.__class__ = OTPAdminSite

accounts = [
    path("login/", account_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("two-factor/", account_views.two_factor, name="two_factor"),
    path("two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/setup/qr.svg", account_views.two_factor_qr, name="two_factor_qr"),
    path("two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", account_views.recovery_codes, name="recovery_codes"),
    path("two-factor/recovery-codes/new/", account_views.recovery_codes_new,
         name="recovery_codes_new"),
    path("two-factor/disable/", account_views.two_factor_disable, name="two_factor_disable"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("i18n/language/", account_views.language_set, name="language_set"),
    path("accounts/", include(accounts)),
    path("invite/<str:token>/", account_views.invitation, name="invitation"),
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    path("", include("ingest.urls")),
    path("", include("assessments.urls")),
]

handler403 = "svd_platform.views.error_403"
handler404 = "svd_platform.views.error_404"
handler500 = "svd_platform.views.error_500"
