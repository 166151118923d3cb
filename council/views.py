"""The site's own pages: home, news, flat pages, search, feedback and "Hỏi đáp", site map.

Machine endpoints are in health.py, error pages in errors.py, private files in media.py.
"""

import math
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from meetings.models import Agreement, Meeting, Photo

from . import article_views, feedback, search
from .forms import FeedbackForm, fresh_stamp
from .models import Article, Category, Feedback
from .shared import ratelimit
from .shared.net import client_ip
from .shared.preview import StaffPreviewMixin
from .shared.sanitize import clean_html
from .shared.shells import ShellCachedMixin


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
    shell_params = ("page",)

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
            article_views.count_view(article_id=article.pk, visitor=article_views.visitor_key(self.request))
        context["views"] = article.view_count + article_views.pending(article.pk)
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
        article_views.count_view(article_id=note, visitor=article_views.visitor_key(request))


class ArticlePreviewView(StaffPreviewMixin, ArticleDetailView):
    """A draft or scheduled article as it will look, for the secretariat."""


class _FlatPage(TemplateView):
    """What django.contrib.flatpages' own view does, as a template view."""

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        site_id = get_current_site(request).id
        url = "/" + self.kwargs["url"].lstrip("/")  # "/gioi-thieu/" named, "tai-lieu/" caught
        page = get_object_or_404(FlatPage.objects.select_related("dates"), url=url, sites=site_id)
        if page.registration_required and not request.user.is_authenticated:
            return redirect_to_login(request.path)
        # The title is plain text (the template escapes it); the content is HTML from the
        # admin's editor, sanitised on save and again here, for rows written any other way.
        # Not assigned back to the page: `content` is translated, an assignment would make its English.
        content = mark_safe(clean_html(page.content))
        self.page = page
        return self.render_to_response(self.get_context_data(flatpage=page, content=content))

    def get_template_names(self) -> list[str]:
        return [name for name in (self.page.template_name, "flatpages/default.html") if name]


class FlatPageView(ShellCachedMixin, _FlatPage):
    """A page the secretariat writes in the admin (About, Charter, Contact, any other), from its shell."""


class SearchView(ShellCachedMixin, TemplateView):
    """Search results, from the page's shell per query (council.search caches the hits themselves too)."""

    template_name = "council/search.html"
    shell_params = ("q",)

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
            form_key=data["started"],
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
    shell_params = ("page",)

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
