from django.urls import path

from . import views
from .notice_views import urlpatterns as notice_urlpatterns

app_name = "meetings"

urlpatterns = [
    path("phien-hop/", views.MeetingListView.as_view(), name="list"),
    path("phien-hop/<slug:slug>/", views.MeetingDetailView.as_view(), name="detail"),
    path("thoa-thuan-hop-tac/", views.AgreementListView.as_view(), name="agreement_list"),
    path("thoa-thuan-hop-tac/<slug:slug>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    *notice_urlpatterns,
]
