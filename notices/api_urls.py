from django.urls import path

from notices import api

app_name = "notices_api"
urlpatterns = [path("", api.notice_create, name="create")]
