from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.partnership, name="partnership"),
    path("p/<slug:slug>/people/", views.people, name="people"),
    path("p/<slug:slug>/people/invite/", views.invite, name="invite"),
    path("p/<slug:slug>/people/invitations/<int:pk>/revoke/", views.invitation_revoke,
         name="invitation_revoke"),
    path("p/<slug:slug>/people/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("p/<slug:slug>/people/<int:pk>/remove/", views.membership_remove,
         name="membership_remove"),
    path("p/<slug:slug>/people/<int:pk>/reset-two-factor/", views.two_factor_reset,
         name="two_factor_reset"),
    path("p/<slug:slug>/seats/", views.seats, name="seats"),
    path("p/<slug:slug>/seats/add/", views.seat_add, name="seat_add"),
    path("p/<slug:slug>/seats/<int:pk>/", views.seat_edit, name="seat_edit"),
    path("p/<slug:slug>/seats/<int:pk>/remove/", views.seat_remove, name="seat_remove"),
    path("p/<slug:slug>/settings/", views.partnership_settings, name="partnership_settings"),
    path("p/<slug:slug>/audit/", views.audit, name="audit"),
]
