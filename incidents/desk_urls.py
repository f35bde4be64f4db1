from django.urls import path

from incidents import desk_views

app_name = "desk_status"
urlpatterns = [
    path("", desk_views.overview, name="overview"),
    path("incidents/new/", desk_views.incident_create, name="incident_create"),
    path("incidents/<int:incident_id>/", desk_views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/publish/", desk_views.incident_publish, name="publish"),
    path("incidents/<int:incident_id>/organisations/", desk_views.organisations_link, name="organisations_link"),
    path("components/<int:component_id>/status/", desk_views.component_status, name="component_status"),
    path("maintenance/new/", desk_views.maintenance_create, name="maintenance_create"),
]
