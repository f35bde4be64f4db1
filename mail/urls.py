from django.urls import path

from mail import views

app_name = "mail_desk"
urlpatterns = [
    path("", views.inbound_list, name="list"),
    path("<int:inbound_id>/", views.inbound_detail, name="detail"),
    path("<int:inbound_id>/original/", views.inbound_original, name="original"),
    path("<int:inbound_id>/link/", views.inbound_link, name="link"),
    path("<int:inbound_id>/answer/", views.inbound_answer, name="answer"),
    path("<int:inbound_id>/discard/", views.inbound_discard, name="discard"),
    path("<int:inbound_id>/release/", views.inbound_release, name="release"),
    path("comments/<int:comment_id>/original/", views.comment_original, name="comment_original"),
]
