from django.urls import path

from desk import notification_views, organisation_views, views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("next/", views.take_next, name="take_next"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/count/", notification_views.count, name="notification_count"),
    path("notifications/read/", notification_views.mark_read, name="notifications_read"),
    path("notifications/settings/", notification_views.notification_settings, name="notification_settings"),
    path("notifications/watches/<int:watch_id>/remove/", notification_views.watch_remove, name="watch_remove"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("mail-refusals/", views.mail_refusals, name="mail_refusals"),
    path("organisations/", organisation_views.organisation_list, name="organisations"),
    path("organisations/<int:organisation_id>/", organisation_views.organisation_detail, name="organisation"),
    path("organisations/<int:organisation_id>/file/", organisation_views.file_on_behalf, name="file_on_behalf"),
    path("tickets/<int:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<int:number>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("tickets/<int:number>/assign/", views.assign, name="assign"),
    path("tickets/<int:number>/severity/", views.severity, name="severity"),
    path("tickets/<int:number>/status/", views.status, name="status"),
    path("tickets/<int:number>/reply/", views.reply, name="reply"),
    path("tickets/<int:number>/note/", views.note, name="note"),
    path("tickets/<int:number>/send-back/", views.send_back, name="send_back"),
    path("tickets/<int:number>/link/", views.link, name="link"),
    path("tickets/<int:number>/presence/", views.presence, name="presence"),
    path("tickets/<int:number>/tags/", views.tags, name="tags"),
    path("tickets/<int:number>/follow/", views.follow, name="follow"),
    path("tickets/<int:number>/cc/", views.cc, name="cc"),
    path("tickets/<int:number>/merge/", views.merge, name="merge"),
    path("tickets/<int:number>/macro/", views.macro, name="macro"),
]
