from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_new, name="new"),
    path("held/", views.held_list, name="held"),
    path("held/release/", views.held_release, name="held_release"),
    path("held/cancel/", views.held_cancel, name="held_cancel"),
    path("<int:notice_id>/", views.notice_detail, name="detail"),
]
