"""Staff previews of pages not public yet (a draft or scheduled article, a draft meeting).

A leaf module: each app's detail view gets a preview by subclassing it with
`StaffPreviewMixin`. The preview is rendered fresh for each request, never
kept as a page shell, never cached by a browser or a proxy, and never indexed.
"""

from django.contrib.auth import get_permission_codename
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.generic.detail import BaseDetailView


def may_preview(user, model) -> bool:
    """Staff who may see `model`'s rows in the admin."""
    if not (user.is_active and user.is_staff):
        return False
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


class StaffPreviewMixin:
    """Put before a DetailView (with ShellCachedMixin) whose `rows()` gives its public rows.

    The page is looked up by primary key among all rows; anyone but staff gets a 404.
    """

    counts_views = False
    shell_cached = False  # see council.shared.shells.ShellCachedMixin

    def rows(self):
        return self.model._default_manager.all()

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_preview(request.user, self.model):
            raise Http404
        # Straight to the detail view's own rendering: past the page shells.
        response = BaseDetailView.get(self, request, *args, **kwargs)
        response.render()
        response["X-Robots-Tag"] = "noindex"
        patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"preview": True}
