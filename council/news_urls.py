from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("rss/", feeds.LatestArticles(), name="rss"),
    path("atom/", feeds.LatestArticlesAtom(), name="atom"),
    path("chuyen-muc/<slug:slug>/", views.NewsListView.as_view(), name="category"),
    path("xem-truoc/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
