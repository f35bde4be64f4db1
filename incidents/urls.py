from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_safe

from incidents import feeds, views

app_name = "status"
urlpatterns = [
    path("", views.index, name="index"),
    path("history/", views.history, name="history"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("history.atom", login_not_required(require_safe(feeds.IncidentHistoryAtom())), name="feed_atom"),
    path("history.rss", login_not_required(require_safe(feeds.IncidentHistoryRss())), name="feed_rss"),
]
