from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from api.docs import api_docs, api_schema
from customers import account_views as contact_account_views
from portal.views import help_page

admin.site.site_header = f"{settings.VENDOR_NAME} administration"
admin.site.site_title = settings.VENDOR_NAME
admin.site.index_title = "Tiers, calendars, organisations and contacts"

urlpatterns = [
    path("", account_views.home, name="home"),
    # A contact without a login takes up the offer of one: a page of customers, under the accounts pages.
    path("accounts/password/new/<str:token>/", contact_account_views.account_create, name="account_create"),
    path("accounts/", include("accounts.urls")),
    path("help/", help_page, name="help"),
    path("portal/", include("portal.urls")),
    path("portal/", include("sla.urls_portal")),
    path("portal/organisation/report/", include("reports.urls_portal")),
    path("desk/notices/", include("notices.urls")),
    path("desk/status/", include("incidents.desk_urls")),
    path("desk/reports/", include("reports.urls_desk")),
    path("desk/monitoring/", include("monitoring.urls")),
    path("desk/mail/", include("mail.urls")),
    path("desk/", include("desk.urls")),
    path("desk/", include("sla.urls_desk")),
    path("", include("api.token_urls")),
    path("api/v1/", include("api.urls")),
    path("api/schema/", api_schema, name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("status/", include("incidents.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "supportdesk.errors.bad_request"
handler403 = "supportdesk.errors.permission_denied"
handler404 = "supportdesk.errors.page_not_found"
handler500 = "supportdesk.errors.server_error"
