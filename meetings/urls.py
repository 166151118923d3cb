from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("phien-hop/", views.MeetingListView.as_view(), name="list"),
    path("thoa-thuan-hop-tac/", views.AgreementListView.as_view(), name="agreement_list"),
]
