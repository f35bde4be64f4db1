from django.urls import path

from sla import views

app_name = "sla_desk"
urlpatterns = [
    path(
        "tickets/<int:number>/escalations/acknowledge/",
        views.escalation_acknowledge_view,
        name="escalation_acknowledge",
    ),
]
