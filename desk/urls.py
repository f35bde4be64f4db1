from django.urls import path

from desk import views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket"),
]
