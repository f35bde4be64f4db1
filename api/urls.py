from django.urls import path, re_path, register_converter

from api import monitoring as monitoring_api
from api import status_views, views


class IdConverter:
    """A positive id that fits the database's integer columns; anything else is not a route (a JSON 404)."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= 2_147_483_647:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"
urlpatterns = [
    path("tickets/", views.TicketListView.as_view(), name="ticket-list"),
    path("tickets/<id:number>/", views.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<id:number>/comments/", views.CommentListView.as_view(), name="ticket-comments"),
    path("tickets/<id:number>/merge/", views.TicketMergeView.as_view(), name="ticket-merge"),
    path("tickets/<id:number>/timeline/", views.TimelineView.as_view(), name="ticket-timeline"),
    path("tickets/<id:number>/attachments/", views.AttachmentListView.as_view(), name="ticket-attachments"),
    path(
        "tickets/<id:number>/attachments/<id:attachment_id>/",
        views.AttachmentDetailView.as_view(),
        name="ticket-attachment",
    ),
    path(
        "tickets/<id:number>/attachments/<id:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="ticket-attachment-download",
    ),
    path(
        "tickets/<id:number>/comments/<id:comment_id>/attachments/",
        views.CommentAttachmentView.as_view(),
        name="comment-attachments",
    ),
    path("contacts/", views.ContactListView.as_view(), name="contact-list"),
    path("contacts/<id:contact_id>/", views.ContactDetailView.as_view(), name="contact-detail"),
    path("notices/", status_views.NoticeListView.as_view(), name="notice-list"),
    path("notices/<id:notice_id>/", status_views.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<id:notice_id>/updates/", status_views.NoticeUpdateView.as_view(), name="notice-updates"),
    path("incidents/", status_views.IncidentListView.as_view(), name="incident-list"),
    path("incidents/<id:incident_id>/", status_views.IncidentDetailView.as_view(), name="incident-detail"),
    path("incidents/<id:incident_id>/updates/", status_views.IncidentUpdateListView.as_view(), name="incident-updates"),
    path("incidents/<id:incident_id>/publish/", status_views.IncidentPublishView.as_view(), name="incident-publish"),
    path("components/", status_views.ComponentListView.as_view(), name="component-list"),
    path("monitoring/alertmanager/", monitoring_api.AlertmanagerWebhookView.as_view(), name="monitoring-alertmanager"),
    path("monitoring/pagerduty/", monitoring_api.PagerDutyEventsView.as_view(), name="monitoring-pagerduty"),
    # Anything else under the API answers in the API's error format, not with an HTML page.
    re_path(r"^", views.NotFoundView.as_view(), name="not-found"),
]
