"""Public pages of the meetings app."""

from django.views.generic import DetailView, TemplateView

from .models import Agreement, Meeting


class MeetingListView(TemplateView):
    template_name = "meetings/meeting_list.html"


class MeetingDetailView(DetailView):
    queryset = Meeting.objects.public().select_related("host_province", "chair", "next_host")
    template_name = "meetings/meeting_detail.html"


class AgreementListView(TemplateView):
    template_name = "meetings/agreement_list.html"


class AgreementDetailView(DetailView):
    queryset = Agreement.objects.filter(published=True)
    template_name = "meetings/agreement_detail.html"
