"""The site's URLs: the public pages, the admin, accounts and machine endpoints."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from . import feeds, health, media, views
from .sitemaps import SITEMAPS

admin.site.site_header = _("Hội đồng Giám đốc CNTT miền Trung – Tây Nguyên")
admin.site.site_title = _("Quản trị Hội đồng")
admin.site.index_title = _("Quản trị nội dung")

# Machine endpoints and the admin: one address each, the admin always in Vietnamese.
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("bench/hello", health.hello, name="hello"),
    path("admin/", admin.site.urls),
]

# The public pages: Vietnamese at the root, English under /en/ (council.i18n.UrlLanguageMiddleware).
urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("tim-kiem/", views.SearchView.as_view(), name="search"),
    path("phien-hop/rss/", feeds.MeetingsFeed(), name="meetings_rss"),
    path("phien-hop/atom/", feeds.MeetingsAtom(), name="meetings_atom"),
    path("gioi-thieu/", views.FlatPageView.as_view(), {"url": "/gioi-thieu/"}, name="about"),
    path("quy-che-hoat-dong/", views.FlatPageView.as_view(), {"url": "/quy-che-hoat-dong/"}, name="charter"),
    path("lien-he/", views.FlatPageView.as_view(), {"url": "/lien-he/"}, name="contact"),
    path("gop-y/", views.FeedbackView.as_view(), name="feedback"),
    path("hoi-dap/", views.FaqView.as_view(), name="faq"),
    path("so-do-trang/", views.SiteMapView.as_view(), name="site_map"),
    path("kha-nang-tiep-can/", views.AccessibilityView.as_view(), name="accessibility"),
    path("tin-tuc/", include("council.news_urls")),
    path("thanh-vien/", include("members.urls")),
    path("binh-chon/", include("polls.urls")),
    path("tai-khoan/", include("members.account_urls")),
    # After the prefixed includes: this one has no prefix of its own, so every address
    # placed below it would first be tried against each of its patterns.
    path("", include("meetings.urls")),
    # Last: any other address is a page the secretariat may have written, in either language.
    re_path(r"^(?P<url>(?:[\w-]+/)+)$", views.FlatPageView.as_view(), name="flatpage"),
    prefix_default_language=False,
)

# Always Django's, never the web server's: the view checks publication.
urlpatterns += [path("media/private/<path:path>", media.private_media, name="private_media")]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?!private/)(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler404 = "council.errors.page_not_found"
handler403 = "council.errors.permission_denied"
handler500 = "council.errors.server_error"
