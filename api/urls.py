from django.urls import path, re_path, register_converter

from api import views


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
    path("tickets/<id:number>/timeline/", views.TimelineView.as_view(), name="ticket-timeline"),
    path("contacts/", views.ContactListView.as_view(), name="contact-list"),
    path("contacts/<id:contact_id>/", views.ContactDetailView.as_view(), name="contact-detail"),
    # Anything else under the API answers in the API's error format, not with an HTML page.
    re_path(r"^", views.NotFoundView.as_view(), name="not-found"),
]
