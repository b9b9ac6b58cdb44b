from django.urls import path

from victimes.api.records import RecordList

app_name = "victimes-api"

urlpatterns = [path("orientations/", RecordList.as_view(), name="orientations")]
