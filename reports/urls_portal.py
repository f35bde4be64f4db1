from django.urls import path

from reports import views

app_name = "reports_portal"
urlpatterns = [
    path("", views.portal_report, name="report"),
]
