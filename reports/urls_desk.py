from django.urls import path

from reports import views

app_name = "reports_desk"
urlpatterns = [
    path("", views.desk_report, name="report"),
]
