"""Public pages of the meetings app."""

from itertools import groupby

from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from council.shared.documents import CONTENT_TYPES, document_kind
from council.shared.preview import StaffPreviewMixin
from council.shared.privatemedia import file_response
from council.shared.shells import ShellCachedMixin

from .calendar import meetings_calendar
from .filters import RecommendationFilter
from .models import AgendaItem, Agreement, Attendance, Document, FollowUp, Meeting, Photo, Recommendation


class MeetingListView(ShellCachedMixin, ListView):
    """The archive: the next meetings first, then past ones by year."""

    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"

    def get_queryset(self):
        return Meeting.objects.public().select_related("host_province", "next_host").order_by("-starts_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming = [m for m in context["meetings"] if not m.is_past and m.status == Meeting.Status.PLANNED]
        past = [m for m in context["meetings"] if m not in upcoming]
        context["upcoming"] = sorted(upcoming, key=lambda m: m.starts_at)
        context["past_by_year"] = [(year, list(items)) for year, items in groupby(past, key=lambda m: m.year)]
        return context


class MeetingDetailView(ShellCachedMixin, DetailView):
    """A meeting: agenda, attendees by province, documents, photos, recommendations, agreements."""

    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"
    model = Meeting

    def rows(self):
        return Meeting.objects.public()

    def get_queryset(self):
        return (
            self.rows()
            .select_related("host_province__successor", "chair__organisation", "next_host")
            .prefetch_related(
                Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("presenter")),
                Prefetch(
                    "attendances",
                    queryset=Attendance.objects.filter(attended=True)
                    .select_related("member__organisation__province")
                    .order_by(
                        F("member__organisation__province__order").asc(nulls_last=True), "member__full_name"
                    ),
                    to_attr="present",
                ),
                Prefetch(
                    "documents", queryset=Document.objects.filter(published=True), to_attr="public_documents"
                ),
                Prefetch("photos", queryset=Photo.objects.all()),
                Prefetch(
                    "recommendations",
                    queryset=Recommendation.objects.prefetch_related(
                        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("meeting"))
                    ),
                ),
                Prefetch(
                    "agreements",
                    queryset=Agreement.objects.filter(published=True).prefetch_related("parties"),
                ),
                Prefetch(
                    "follow_ups",
                    queryset=FollowUp.objects.select_related("recommendation__meeting"),
                    to_attr="followed_up",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_province = groupby(
            self.object.present, key=lambda a: a.member.province.name if a.member.province else _("Khách mời")
        )
        context["attendees_by_province"] = [(name, list(items)) for name, items in by_province]
        return context


def download_document(request, meeting: str, slug: str) -> HttpResponse:
    """A published document of a public meeting, under a readable file name."""
    document = get_object_or_404(
        Document.objects.public().select_related("meeting"), meeting__slug=meeting, slug=slug
    )
    return file_response(
        document.file,
        as_attachment=True,
        filename=document.download_name,
        content_type=CONTENT_TYPES.get(document_kind(document.file.name), "application/octet-stream"),
    )


def _calendar_response(meetings, *, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        meetings_calendar(meetings, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def meeting_ics(request, slug: str) -> HttpResponse:
    """One meeting as an .ics file."""
    meeting = get_object_or_404(Meeting.objects.public().select_related("host_province"), slug=slug)
    return _calendar_response([meeting], name=meeting.title, filename=f"{meeting.slug}.ics")


def upcoming_ics(request) -> HttpResponse:
    """A calendar feed of the upcoming meetings (subscribe to it in a calendar app)."""
    meetings = Meeting.objects.upcoming().select_related("host_province")
    return _calendar_response(meetings, name=_("Phiên họp Hội đồng Giám đốc CNTT"), filename="phien-hop.ics")


class MeetingPreviewView(StaffPreviewMixin, MeetingDetailView):
    """A draft meeting as it will look, for the secretariat."""


class AgreementListView(ShellCachedMixin, ListView):
    template_name = "meetings/agreement_list.html"
    context_object_name = "agreements"
    queryset = Agreement.objects.filter(published=True).select_related("meeting").prefetch_related("parties")


class AgreementDetailView(ShellCachedMixin, DetailView):
    template_name = "meetings/agreement_detail.html"
    context_object_name = "agreement"
    queryset = Agreement.objects.filter(published=True).select_related("meeting").prefetch_related("parties")


class RecommendationListView(ListView):
    """The recommendations tracker: by status, meeting and topic, with each follow-up."""

    template_name = "meetings/recommendation_list.html"
    context_object_name = "recommendations"

    def get_queryset(self):
        recommendations = (
            Recommendation.objects.exclude(meeting__status=Meeting.Status.DRAFT)
            .select_related("meeting")
            .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.select_related("meeting")))
            .order_by("-meeting__starts_at", "order", "pk")
        )
        self.filterset = RecommendationFilter(self.request.GET, queryset=recommendations)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public = Recommendation.objects.exclude(meeting__status=Meeting.Status.DRAFT)
        context["filters"] = self.filterset.chosen
        context["statuses"] = Recommendation.Status.choices
        context["topics"] = (
            public.exclude(topic="").values_list("topic", flat=True).distinct().order_by("topic")
        )
        context["meetings"] = Meeting.objects.public().filter(recommendations__isnull=False).distinct()
        return context
