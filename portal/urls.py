from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/<int:number>/", views.ticket_detail, name="ticket"),
]
