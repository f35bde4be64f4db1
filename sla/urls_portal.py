from django.urls import path

from sla import views

app_name = "sla_portal"
urlpatterns = [
    path("tickets/<int:number>/escalate/", views.escalate, name="escalate"),
]
