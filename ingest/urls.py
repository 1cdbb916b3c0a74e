from django.urls import path

from . import views

urlpatterns = [
    path("p/<slug:slug>/data/", views.extracts, name="extracts"),
    path("p/<slug:slug>/data/upload/", views.upload, name="upload"),
    path("p/<slug:slug>/data/coverage/", views.data_coverage, name="data_coverage"),
    path("p/<slug:slug>/data/<uuid:uuid>/", views.extract, name="extract"),
    path("p/<slug:slug>/data/<uuid:uuid>/errors.csv", views.extract_errors_csv,
         name="extract_errors_csv"),
    path("p/<slug:slug>/data/<uuid:uuid>/mapping/", views.extract_mapping,
         name="extract_mapping"),
    path("p/<slug:slug>/data/<uuid:uuid>/sheet/", views.extract_sheet, name="extract_sheet"),
    path("p/<slug:slug>/data/templates/<str:name>", views.template_download,
         name="template_download"),
    path("p/<slug:slug>/agreements/", views.agreements, name="agreements"),
    path("p/<slug:slug>/agreements/add/", views.agreement_add, name="agreement_add"),
]
