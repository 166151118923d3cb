"""The site's own pages: home, health check, error pages."""

import logging
import math
import sys
import threading
import time
from collections.abc import Callable
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, TemplateView

from meetings.models import Agreement, Document, Meeting, Photo

from . import feedback, search, views_count
from .forms import FeedbackForm, fresh_stamp
from .models import Article, Category, Feedback
from .shared import breaker, privatemedia, ratelimit
from .shared.cache import redis_client
from .shared.net import client_ip
from .shared.preview import StaffPreviewMixin
from .shared.sanitize import clean_html
from .shared.shells import ShellCachedMixin

logger = logging.getLogger(__name__)


class HomeMeetings:
    """The next meeting and the last one with its first photos: two queries, made only when used."""

    PHOTOS_SHOWN = 3

    @cached_property
    def _both(self) -> dict[str, Meeting]:
        # A sliced prefetch needs its own attribute: photos.all() stays the full set.
        first_photos = Prefetch(
            "photos", queryset=Photo.objects.all()[: self.PHOTOS_SHOWN], to_attr="first_photos"
        )
        meetings = (
            Meeting.objects.next_and_last().select_related("host_province").prefetch_related(first_photos)
        )
        return {meeting.status: meeting for meeting in meetings}

    @property
    def next(self) -> Meeting | None:
        return self._both.get(Meeting.Status.PLANNED)

    @property
    def last(self) -> Meeting | None:
        return self._both.get(Meeting.Status.HELD)


class HomeView(ShellCachedMixin, TemplateView):
    """Latest news, the next meeting, the last meeting with its photos, the latest agreements."""

    template_name = "council/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Lazy, like every queryset: evaluated only while the page's shell is rendered.
        context["articles"] = Article.objects.public().select_related("category")[:6]
        context["meetings"] = HomeMeetings()
        context["agreements"] = Agreement.objects.filter(published=True).only("title", "slug", "signed_on")[
            :3
        ]
        return context


class NewsListView(ShellCachedMixin, ListView):
    """The news, newest first, optionally of one category."""

    template_name = "council/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.NEWS_PER_PAGE

    def get_queryset(self):
        articles = Article.objects.public().select_related("category")
        self.category = None
        if slug := self.kwargs.get("slug"):
            self.category = get_object_or_404(Category, slug=slug)
            articles = articles.filter(category=self.category)
        return articles

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["categories"] = Category.objects.all()
        context["category"] = self.category
        return context


class ArticleDetailView(ShellCachedMixin, DetailView):
    """An article: counts the visitor's view (once a day) in the cache.

    The number of views shown is the one counted when the page's shell was
    rendered: at most PAGE_SHELL_SECONDS old.
    """

    template_name = "council/article_detail.html"
    context_object_name = "article"
    model = Article
    counts_views = True

    def rows(self):
        return Article.objects.public()

    def get_queryset(self):
        return self.rows().select_related("category", "meeting")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        if self.counts_views:
            views_count.count_view(article_id=article.pk, visitor=views_count.visitor_key(self.request))
        context["views"] = article.view_count + views_count.pending(article.pk)
        latest = Article.objects.public().exclude(pk=article.pk).only("title", "slug", "published_at")
        context["latest"] = latest[:5]
        related = latest.filter(
            Q(meeting=article.meeting_id) if article.meeting_id else Q(category=article.category_id)
        )
        context["related"] = related[:5] if (article.meeting_id or article.category_id) else []
        context["share_url"] = self.request.build_absolute_uri(article.get_absolute_url())
        return context

    def shell_note(self) -> int:
        return self.object.pk

    def served_from_shell(self, request: HttpRequest, note: int) -> None:
        views_count.count_view(article_id=note, visitor=views_count.visitor_key(request))


class ArticlePreviewView(StaffPreviewMixin, ArticleDetailView):
    """A draft or scheduled article as it will look, for the secretariat."""


class _FlatPage(TemplateView):
    """What django.contrib.flatpages' own view does, as a template view."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        site_id = get_current_site(request).id
        page = get_object_or_404(
            FlatPage.objects.select_related("dates"), url=self.kwargs["url"], sites=site_id
        )
        if page.registration_required and not request.user.is_authenticated:
            return redirect_to_login(request.path)
        # The title is plain text (the template escapes it); the content is HTML from the
        # admin's editor, sanitised on save and again here, for rows written any other way.
        page.content = mark_safe(clean_html(page.content))
        self.page = page
        return self.render_to_response(self.get_context_data(flatpage=page))

    def get_template_names(self) -> list[str]:
        return [name for name in (self.page.template_name, "flatpages/default.html") if name]


class FlatPageView(ShellCachedMixin, _FlatPage):
    """A page the secretariat writes in the admin (About, Charter, Contact), from its shell."""


class SearchView(TemplateView):
    template_name = "council/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        context["query"] = query
        context["hits"] = search.cached_search(query) if query else []
        return context


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /tai-khoan/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def hello(request: HttpRequest) -> HttpResponse:
    """The plainest Django view: the ceiling that bench/ compares pages against."""
    return HttpResponse("hello", content_type="text/plain")


def _check_database() -> str:
    if breaker.database.is_open:
        raise ConnectionError("not asked for now (circuit breaker open)")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # this check's own thread: leave no connection behind
    return "ok"


def _check_cache() -> str:
    if not settings.REDIS_URL:
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            raise RuntimeError("the value written was not read back")
        return "ok"
    # Straight to Redis: the cache itself would answer a miss rather than fail.
    client = redis_client(settings.REDIS_CACHE_URL)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "inline"
    if not breaker.redis.allows():
        raise ConnectionError("not asked for now (circuit breaker open)")
    from council.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=HEALTHZ_SECONDS)
    return "ok"


# The whole answer comes within this many seconds; a check still running then is "slow".
HEALTHZ_SECONDS = 1.5
HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


def _run(check: Callable[[], str], into: dict[str, str], name: str) -> None:
    try:
        into[name] = check()
    except Exception as error:  # any failure at all means "down"
        into[name] = f"down: {error.__class__.__name__}"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, cache and broker all answer; 503 naming what is down or slow.

    The checks run side by side, each in a thread of its own, and the answer
    never waits more than HEALTHZ_SECONDS for them: a hanging service is
    reported "slow" and its thread left to its own time-out.
    """
    found: dict[str, str] = {}
    threads = [
        threading.Thread(target=_run, args=(check, found, name), daemon=True, name=f"healthz-{name}")
        for name, check in HEALTH_CHECKS.items()
    ]
    deadline = time.monotonic() + HEALTHZ_SECONDS
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    report = {name: found.get(name, "slow") for name in HEALTH_CHECKS}
    healthy = all(value in {"ok", "inline"} for value in report.values())
    for name, value in report.items():
        if value not in {"ok", "inline"}:
            logger.warning("healthz: %s is %s", name, value)
    report["status"] = "ok" if healthy else "down"
    response = JsonResponse(report, status=200 if healthy else 503)
    # Logged above as a warning: not an error report (a mail to DJANGO_ADMINS) per health check.
    response._has_been_logged = True
    return response


# --- Error pages: in the form the request asked for -------------------------------------------


def wants_json(request: HttpRequest) -> bool:
    """A request that asked for JSON (the poll's fetch() does) gets its errors as JSON."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _json_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "status": status, "message": message}, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return _json_error(404, _("Không tìm thấy."))
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return _json_error(403, _("Bạn không có quyền làm việc này."))
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old tab, cookies off): say what to do."""
    message = _("Phiên làm việc của trang đã hết hạn. Vui lòng tải lại trang rồi gửi lại.")
    if wants_json(request):
        return _json_error(403, message)
    return render(request, "403_csrf.html", {"message": message}, status=403)


def reports_reach_someone() -> bool:
    """Whether a server error reaches a person: mail to DJANGO_ADMINS, or Sentry."""
    return bool(settings.ADMINS or settings.SENTRY_DSN)


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error` means the database cannot be reached (not a deadlock, a timeout or a bug).

    The driver marks its connection closed when the server went away or
    never answered; an error the server reported leaves it open.
    """
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    raw = connection.connection
    return raw is None or bool(getattr(raw, "closed", False))


def server_error(request: HttpRequest) -> HttpResponse:
    failure = sys.exception()
    if database_unreachable(failure):  # raised outside a view (a middleware)
        breaker.database.trip(failure)
        return service_unavailable(request)
    told = reports_reach_someone()
    if wants_json(request):
        message = (
            _("Máy chủ gặp sự cố; Tổ giúp việc đã được báo. Mời bạn thử lại sau ít phút.")
            if told
            else _("Máy chủ gặp sự cố. Mời bạn thử lại sau ít phút.")
        )
        return _json_error(500, message)
    # Rendered without the request: no context processor may touch the
    # database or the cache, which may be what failed.
    return HttpResponse(loader.get_template("500.html").render({"told": told}), status=500)


def _private_files() -> dict:
    """For each folder under MEDIA_ROOT/private/: (every record, the public ones, the file field)."""
    return {
        "documents": (Document.objects.all(), Document.objects.public(), "file"),
        "agreements": (Agreement.objects.all(), Agreement.objects.filter(published=True), "document"),
        "photos": (Photo.objects.all(), Photo.objects.filter(meeting__in=Meeting.objects.public()), "image"),
        "news": (Article.objects.all(), Article.objects.public(), "cover"),
    }


def private_media(request: HttpRequest, path: str) -> HttpResponse:
    """A file under MEDIA_ROOT/private/: to staff always, to others only once its record is public.

    Anything else (an unknown path, a file no record holds, an unpublished
    record's file) is a 404, the same answer as for a file that does not exist.
    """
    name = privatemedia.PRIVATE_PREFIX + path
    source = _private_files().get(path.split("/", 1)[0])
    if source is None or ".." in path.split("/"):
        raise Http404
    every, public, field = source
    records = every if request.user.is_staff else public
    record = records.filter(**{field: name}).first()
    if record is None:
        raise Http404
    response = privatemedia.file_response(getattr(record, field))
    if not request.user.is_staff:
        return response
    # A staff member may be looking at a draft: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


class FeedbackView(FormView):
    """The "Liên hệ – Góp ý" form. Not served from a shell: each page carries its own time stamp.

    Every refusal shows the form again with what was typed and a Vietnamese
    reason; a message sent redirects back here with a thank-you.
    """

    template_name = "council/feedback_form.html"
    form_class = FeedbackForm

    def get_initial(self) -> dict:
        initial = {"started": fresh_stamp()}
        topic = self.request.GET.get("ve", "")
        if topic.partition("-")[0] in {"meeting", "article"}:
            initial["topic"] = topic
        return initial

    def form_invalid(self, form: FeedbackForm, status: int = 200) -> HttpResponse:
        if not form.stamp_usable:
            form.data = form.data.copy()
            form.data["started"] = fresh_stamp()
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def form_valid(self, form: FeedbackForm) -> HttpResponse:
        wait = ratelimit.seconds_to_wait(
            f"feedback:{client_ip(self.request)}", limit=settings.FEEDBACK_PER_HOUR, window=3600
        )
        if wait:
            form.add_error(
                None,
                _(
                    "Từ địa chỉ mạng của bạn đã có nhiều góp ý trong giờ qua (tối đa %(limit)d mỗi giờ). "
                    "Nội dung vẫn còn dưới đây: xin gửi lại sau %(minutes)d phút."
                )
                % {"limit": settings.FEEDBACK_PER_HOUR, "minutes": max(1, math.ceil(wait / 60))},
            )
            return self.form_invalid(form, status=429)
        data = form.cleaned_data
        feedback.submit_feedback(
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            message=data["message"],
            topic=data["topic"],
        )
        messages.success(
            self.request,
            _("Cảm ơn bạn đã góp ý. Tổ giúp việc Hội đồng sẽ trả lời qua thư điện tử %(email)s.")
            % {"email": data["email"]},
        )
        return redirect("feedback")


class FaqView(ShellCachedMixin, ListView):
    """ "Hỏi đáp": the questions the secretariat answered and chose to publish."""

    template_name = "council/feedback_list.html"
    context_object_name = "questions"
    paginate_by = 20

    def get_queryset(self):
        return (
            Feedback.objects.published()
            .select_related("meeting", "article")
            .only(
                "subject",
                "message",
                "answer",
                "answered_at",
                "created_at",
                "meeting__title",
                "meeting__slug",
                "article__title",
                "article__slug",
            )
            .order_by("-answered_at", "-pk")
        )


class SiteMapView(ShellCachedMixin, TemplateView):
    """ "Sơ đồ trang": every public section, the meetings by year, the news categories."""

    template_name = "council/site_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meetings"] = (
            Meeting.objects.public().order_by("-year", "-starts_at").only("title", "slug", "year")
        )
        context["categories"] = Category.objects.all()
        return context


class AccessibilityView(ShellCachedMixin, TemplateView):
    """ "Tuyên bố về khả năng tiếp cận": what the site does for accessibility, and whom to tell."""

    template_name = "council/accessibility.html"


# Seconds a client is asked to wait before trying again during maintenance.
RETRY_AFTER = 30


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The maintenance page (503): the database is unreachable. Touches neither it nor the cache."""
    if wants_json(request):
        response = _json_error(503, _("Hệ thống đang bảo trì, mời bạn thử lại sau ít phút."))
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # The breaker logged the failure once: not an error report (a mail) per page asked for meanwhile.
    response._has_been_logged = True
    return response
