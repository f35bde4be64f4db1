from django.urls import path

from api import views

app_name = "api"
urlpatterns = [
    path("tickets/", views.TicketListView.as_view(), name="ticket-list"),
    path("tickets/<int:number>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:number>/comments/", views.CommentListView.as_view(), name="ticket-comments"),
    path("tickets/<int:number>/timeline/", views.TimelineView.as_view(), name="ticket-timeline"),
    path("contacts/", views.ContactListView.as_view(), name="contact-list"),
    path("contacts/<int:contact_id>/", views.ContactDetailView.as_view(), name="contact-detail"),
]
