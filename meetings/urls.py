from django.urls import path

from . import views
from .notice_views import urlpatterns as notice_urlpatterns

app_name = "meetings"

urlpatterns = [
    path("phien-hop/", views.MeetingListView.as_view(), name="list"),
    path("phien-hop/lich.ics", views.upcoming_ics, name="calendar"),
    path("phien-hop/kien-nghi/", views.RecommendationListView.as_view(), name="recommendations"),
    path("phien-hop/xem-truoc/<int:pk>/", views.MeetingPreviewView.as_view(), name="preview"),
    path("phien-hop/<slug:slug>/", views.MeetingDetailView.as_view(), name="detail"),
    path("phien-hop/<slug:slug>/lich.ics", views.meeting_ics, name="ics"),
    path("phien-hop/<slug:meeting>/tai-lieu/<slug:slug>/", views.download_document, name="document"),
    path("thoa-thuan-hop-tac/", views.AgreementListView.as_view(), name="agreement_list"),
    path("thoa-thuan-hop-tac/<slug:slug>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    *notice_urlpatterns,
]
