"""Public pages of this app: the archive, a poll's page, and the vote.

The vote works without JavaScript (POST, a message, a redirect) and, asked for
JSON (static/js/poll.js does), answers with the re-rendered poll block instead.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from council.shared.negotiation import wants_json
from council.shared.shells import ShellCachedMixin

from . import caching, throttle
from .forms import VoteForm
from .models import Poll
from .panels import PollPanel
from .services import AlreadyVoted, VoteRefused, cast_vote
from .voters import Voter

PLACES = {"sidebar", "page"}


class PollListView(ShellCachedMixin, ListView):
    """Polls taking votes now, then the archive of past ones with their totals.

    A poll opening or closing by its dates shows within PAGE_SHELL_SECONDS
    (council.shared.shells); closed polls take no more votes, so their totals hold.
    """

    template_name = "polls/poll_list.html"
    context_object_name = "past_polls"
    paginate_by = 20
    shell_params = ("page",)

    def get_queryset(self):
        return Poll.objects.closed().with_vote_totals().order_by("-closes_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open_polls"] = Poll.objects.open()
        return context


class PollDetailView(ShellCachedMixin, DetailView):
    """A poll's page with its full results; JSON when the request asks for it.

    The page comes from its shell (council.shared.shells) with the poll block as the
    visitor's own part; JSON is answered afresh.
    """

    template_name = "polls/poll_detail.html"

    def get_queryset(self):
        # Per request: started() reads the clock, so a class attribute would
        # hide every poll created after the process started.
        return Poll.objects.started().prefetch_related("choices")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panel"] = PollPanel.for_request(self.object, self.request, place="page")
        return context

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if wants_json(request):
            response = DetailView.get(self, request, *args, **kwargs)  # never from the shell
        else:
            response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    def render_to_response(self, context, **response_kwargs):
        if wants_json(self.request):
            return JsonResponse(context["panel"].as_json())
        return super().render_to_response(context, **response_kwargs)


def _next_url(request: HttpRequest, poll: Poll) -> str:
    url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return poll.get_absolute_url()


def _answer(
    request: HttpRequest,
    poll: Poll,
    voter: Voter,
    *,
    message: str,
    level: int,
    status: int,
    voted_for: int | None = None,
) -> HttpResponse:
    """The outcome of a vote: JSON with the new block, or a message and a redirect."""
    if not wants_json(request):
        messages.add_message(request, level, message)
        return redirect(_next_url(request, poll))
    place = request.POST.get("place", "sidebar")
    panel = PollPanel(
        poll,
        voter=voter,
        place=place if place in PLACES else "sidebar",
        voted_for=voted_for,
        count_afresh=status == 200,  # a vote just counted; a refusal changes no result
    )
    html = caching.answer_block(
        panel,
        request=request,
        notice=message,
        notice_level=messages.DEFAULT_TAGS[level],
        next_url=_next_url(request, poll),
    )
    payload = {"ok": status == 200, "message": message, "html": html, "poll": panel.as_json()}
    return JsonResponse(payload, status=status)


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    """Cast the visitor's vote in a poll, once."""
    # The poll as its page showed it, held a moment in this process (no query);
    # cast_vote reads the poll afresh, under its lock, before it counts a vote.
    poll = caching.poll_for_page(slug) or get_object_or_404(
        Poll.objects.prefetch_related("choices"), slug=slug
    )
    wait = throttle.seconds_to_wait(request)
    if wait:
        response = _throttled(request, poll, wait)
        response["Retry-After"] = str(wait)
        return response
    form = VoteForm(request.POST, poll=poll)
    voter = Voter.from_request(request, voting=True)
    if voter.key is None:
        # A guest without cookies (a script: a browser's vote carries its CSRF
        # cookie) would be a new voter each time: it may not vote at all.
        message = _(
            "Trình duyệt của bạn chưa nhận cookie của trang. Vui lòng bật cookie, tải lại trang rồi bình chọn."
        )
        return _answer(request, poll, voter, message=message, level=messages.ERROR, status=403)
    if not form.is_valid():
        message = form.errors["choice"][0]
        return _answer(request, poll, voter, message=message, level=messages.ERROR, status=400)
    choice = form.cleaned_data["choice"]
    try:
        cast_vote(choice=choice, voter_key=voter.key, user=voter.user)
    except VoteRefused as refusal:
        status = 409 if isinstance(refusal, AlreadyVoted) else 403
        response = _answer(
            request, poll, voter, message=str(refusal.message), level=messages.WARNING, status=status
        )
        if status == 409:
            voter.remember(response)  # this browser has voted: its pages say so from now on
        return response
    response = _answer(
        request,
        poll,
        voter,
        message=_("Cảm ơn bạn đã bình chọn."),
        level=messages.SUCCESS,
        status=200,
        voted_for=choice.pk,
    )
    voter.remember(response)
    return response


def _throttled(request: HttpRequest, poll: Poll, wait: int) -> HttpResponse:
    message = _("Bạn đã gửi quá nhiều phiếu trong thời gian ngắn. Vui lòng thử lại sau %(seconds)s giây.") % {
        "seconds": wait
    }
    if wants_json(request):
        return _answer(
            request, poll, Voter.from_request(request), message=message, level=messages.ERROR, status=429
        )
    return render(request, "polls/vote_throttled.html", {"poll": poll, "message": message}, status=429)
