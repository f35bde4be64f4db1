"""The OpenAPI schema and its interactive documentation, both public like any API reference."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_schema = login_not_required(SpectacularAPIView.as_view())
# The split view serves its start-up script as a file, so the page needs no inline script.
api_docs = login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html"))
