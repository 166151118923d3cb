"""Members answer a meeting invitation from the links in its email, without logging in.

A GET shows a confirmation form and changes nothing (mail scanners prefetch
links); the POST records the answer and redirects to the answer's page.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .models import Attendance
from .notice_rsvp import (
    ANSWER_SLUGS,
    SLUG_OF_ANSWER,
    ExpiredRsvpLink,
    InvalidRsvpLink,
    read_rsvp_token,
    record_rsvp,
)


def _invalid(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return render(
        request,
        "meetings/attendance_rsvp_invalid.html",
        {"expired": expired},
        status=410 if expired else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rsvp_answer(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """GET: "confirm that you will attend?"; POST: record it and redirect."""
    if answer not in ANSWER_SLUGS:
        raise Http404
    try:
        invitee = read_rsvp_token(token)
    except ExpiredRsvpLink:
        return _invalid(request, expired=True)
    except InvalidRsvpLink:
        return _invalid(request, expired=False)
    rsvp = ANSWER_SLUGS[answer]
    if request.method == "POST":
        record_rsvp(meeting=invitee.meeting, member=invitee.member, answer=rsvp)
        if rsvp == Attendance.Rsvp.ACCEPTED:
            messages.success(request, _("Cảm ơn Ông/Bà đã xác nhận tham dự."))
        else:
            messages.success(request, _("Tổ giúp việc đã ghi nhận Ông/Bà vắng mặt."))
        return redirect("meetings:rsvp_status", token=token)
    return render(
        request,
        "meetings/attendance_rsvp_form.html",
        {
            "invitee": invitee,
            "answer": rsvp,
            "token": token,
            "other_slug": SLUG_OF_ANSWER[
                Attendance.Rsvp.DECLINED if rsvp == Attendance.Rsvp.ACCEPTED else Attendance.Rsvp.ACCEPTED
            ],
        },
    )


@never_cache
@require_http_methods(["GET"])
def rsvp_status(request: HttpRequest, token: str) -> HttpResponse:
    """The member's current answer, with links to change it."""
    try:
        invitee = read_rsvp_token(token)
    except ExpiredRsvpLink:
        return _invalid(request, expired=True)
    except InvalidRsvpLink:
        return _invalid(request, expired=False)
    return render(
        request,
        "meetings/attendance_rsvp_detail.html",
        {"invitee": invitee, "token": token, "slugs": SLUG_OF_ANSWER},
    )


urlpatterns = [
    path("tra-loi-giay-moi/<str:token>/", rsvp_status, name="rsvp_status"),
    path("tra-loi-giay-moi/<str:token>/<slug:answer>/", rsvp_answer, name="rsvp_answer"),
]
