from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_safe

from incidents import api, feeds, subscribe_views, views

app_name = "status"
urlpatterns = [
    path("", views.index, name="index"),
    path("history/", views.history, name="history"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("subscribe/", subscribe_views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", subscribe_views.subscribe_confirm, name="subscribe_confirm"),
    path("unsubscribe/<str:token>/", subscribe_views.unsubscribe, name="unsubscribe"),
    path("subscription/<str:token>/", subscribe_views.subscription_manage, name="subscription"),
    path("history.atom", login_not_required(require_safe(feeds.IncidentHistoryAtom())), name="feed_atom"),
    path("history.rss", login_not_required(require_safe(feeds.IncidentHistoryRss())), name="feed_rss"),
    path("api/v2/status.json", api.status_json, name="api_status"),
    path("api/v2/summary.json", api.summary_json, name="api_summary"),
    path("api/v2/components.json", api.components_json, name="api_components"),
    path("api/v2/incidents.json", api.incidents_json, name="api_incidents"),
    path("api/v2/incidents/unresolved.json", api.unresolved_json, name="api_incidents_unresolved"),
    path("api/v2/scheduled-maintenances.json", api.maintenances_json, name="api_maintenances"),
    path("api/v2/scheduled-maintenances/upcoming.json", api.upcoming_json, name="api_maintenances_upcoming"),
    path("api/v2/scheduled-maintenances/active.json", api.active_json, name="api_maintenances_active"),
]
