from django.urls import path

from portal import contact_views, people_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("new/", views.request_new, name="new"),
    path("new/severity/", views.severity_suggestion, name="severity_suggest"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:number>/close/", views.ticket_close, name="ticket_close"),
    path("tickets/<int:number>/rate/", views.ticket_rate, name="ticket_rate"),
    path("tickets/<int:number>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("t/<str:token>/", contact_views.contact_ticket, name="contact_ticket"),
    path("t/<str:token>/files/<int:attachment_id>/", contact_views.contact_attachment, name="contact_attachment"),
    path("t/<str:token>/account/", contact_views.contact_account, name="contact_account"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/contacts/", views.contacts, name="contacts"),
    path("organisation/contacts/new/", views.contact_new, name="contact_new"),
    path("organisation/contacts/<int:contact_id>/", views.contact_edit, name="contact_edit"),
    path("organisation/contacts/<int:contact_id>/register/", views.contact_register, name="contact_register"),
    path("organisation/contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("organisation/people/", people_views.people, name="people"),
    path("organisation/people/<int:member_id>/revoke/", people_views.person_revoke, name="person_revoke"),
    path("organisation/access/", views.access_grants, name="access"),
    path("organisation/transparency/", views.transparency, name="transparency"),
    path("organisation/access/<int:grant_id>/revoke/", views.access_grant_revoke, name="access_revoke"),
]
