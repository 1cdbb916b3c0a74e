from django.urls import path

from . import views

P = "p/<slug:slug>/assessment/"
urlpatterns = [
    path(P, views.assessments, name="assessments"),
    path(P + "start/", views.assessment_start, name="assessment_start"),
    path(P + "definitions/", views.definitions_list, name="definitions"),
    path(P + "definitions/new/", views.definition_new, name="definition_new"),
    path(P + "definitions/preview/", views.definition_preview, name="definition_preview"),
    path(P + "definitions/<int:pk>/", views.definition, name="definition"),
    path(P + "comparators/", views.comparators, name="comparators"),
    path(P + "<uuid:uuid>/", views.assessment, name="assessment"),
    path(P + "<uuid:uuid>/compare/", views.assessment_compare, name="assessment_compare"),
    path(P + "<uuid:uuid>/findings/", views.assessment_findings, name="assessment_findings"),
    path(P + "<uuid:uuid>/findings/<str:key>/", views.finding_edit, name="finding_edit"),
    path(P + "<uuid:uuid>/priorities/", views.assessment_priorities,
         name="assessment_priorities"),
    path(P + "<uuid:uuid>/<slug:section>/", views.assessment_section,
         name="assessment_section"),
    path(P + "<uuid:uuid>/<slug:section>/<slug:table>.csv", views.assessment_csv,
         name="assessment_csv"),
]
