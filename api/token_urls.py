from django.urls import path

from api import token_views

app_name = "tokens"
urlpatterns = [
    path("portal/tokens/", token_views.portal_tokens, name="portal"),
    path("portal/tokens/<int:token_id>/revoke/", token_views.portal_token_revoke, name="portal_revoke"),
    path("desk/tokens/", token_views.desk_tokens, name="desk"),
    path("desk/tokens/<int:token_id>/revoke/", token_views.desk_token_revoke, name="desk_revoke"),
]
