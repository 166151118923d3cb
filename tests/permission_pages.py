"""The rows of the permission matrix (tests/test_permission_matrix.py): kinds of user, the policy, the pages.

The pages are built from the admin site itself; see the matrix's docstring.
"""

import dataclasses
from urllib.parse import urlencode, urlsplit

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, reverse

from council.models import Article
from council.shared.versioning import ContentAdmin

ANONYMOUS = "anonymous"
MEMBER = "member"
SECRETARIAT = "secretariat"
BARE_STAFF = "staff-without-group"
SUPERUSER = "superuser"
USER_KINDS = [ANONYMOUS, MEMBER, SECRETARIAT, BARE_STAFF, SUPERUSER]
STAFF_KINDS = {SECRETARIAT, BARE_STAFF, SUPERUSER}

# Outcomes, as `outcome()` names a response.
OK, DENIED, NOT_FOUND, REDIRECT = "200", "403", "404", "redirect elsewhere"
ADMIN_LOGIN, MEMBER_LOGIN = "admin login", "member login"

# --- The policy ------------------------------------------------------------------------------
# Stated here on its own rather than imported from council.shared.permissions: a change there that
# gives the secretariat more (or less) than this must make the test fail.

# The secretariat ("Tổ giúp việc") edits all of these apps' content...
SECRETARIAT_APPS = {"council", "members", "meetings", "polls", "flatpages"}
# ...but never login accounts, groups or permissions. Everything else (sites, the
# login-throttling logs of axes, sessions...) is left to superusers as well.
ACCOUNT_MODELS = {"members.user", "auth.group", "auth.permission"}


def policy_allows(app_label: str, model_name: str) -> bool:
    """Whether the policy lets the secretariat manage this model (all four actions or none)."""
    return app_label in SECRETARIAT_APPS and f"{app_label}.{model_name}" not in ACCOUNT_MODELS


# --- The pages -------------------------------------------------------------------------------

# What a page needs, besides being staff.
ANY_STAFF = "any staff"  # no model permission: the admin index, the staff's own password...
MODEL_PERMISSION = "model permission"  # `action` on `model`
APP_INDEX = "app index"  # some permission on some model of the app (404 otherwise, as Django does)
LOGGED_IN = "logged in"  # a member page: any logged-in user

# The views every ModelAdmin has: URL name suffix, the permission each needs, whether it
# is about one object. "view" means view or change, as in Django's has_view_permission().
MODEL_VIEWS = [
    ("changelist", "view", False),
    ("add", "add", False),
    ("change", "view", True),
    ("history", "view", True),
    ("delete", "delete", True),
]


@dataclasses.dataclass(frozen=True)
class CustomView:
    """A view a ModelAdmin adds in get_urls(), and the permissions it must check (all of them)."""

    actions: tuple[str, ...]
    needs_object: bool = False
    denied: str = DENIED


# Every view the project's ModelAdmins (and Django's UserAdmin) add with get_urls(). The
# coverage test fails on an admin URL name found neither here nor among the standard ones.
CUSTOM_ADMIN_VIEWS = {
    # members/admin.py: importing members from a CSV file adds new members and updates others.
    "members_member_import": CustomView(("add", "change")),
    # meetings/notice_admin.py: the preview answers 404, not 403, to those who may not see the notice.
    "meetings_notice_preview": CustomView(("view",), needs_object=True, denied=NOT_FOUND),
    "meetings_notice_preview_html": CustomView(("view",), needs_object=True, denied=NOT_FOUND),
    # council/admin.py: the editor's image upload, for those who write articles (add or change).
    "council_article_body_image": CustomView(("add",)),
    # django.contrib.auth's UserAdmin: setting another account's password.
    "auth_user_password_change": CustomView(("change",), needs_object=True),
}
# council/shared/versioning.py (django-reversion): every content admin lists its deleted rows to recover
# them (adding a row again).
for _model, _model_admin in admin.site._registry.items():
    if isinstance(_model_admin, ContentAdmin):
        _info = f"{_model._meta.app_label}_{_model._meta.model_name}"
        CUSTOM_ADMIN_VIEWS[f"{_info}_recoverlist"] = CustomView(("add", "change"))

# Admin URL names deliberately left out of the matrix, and why.
NOT_IN_MATRIX = {
    "login": "the admin login page: public by design, the destination of the redirects checked here",
    "logout": "POST only, and it changes the session",
}
# A version's restore form, a deleted row's recovery form and the comparison of two versions take
# versions' ids, which the matrix has no object for: tests/council/test_versions.py tries them
# with each kind of user.
NOT_IN_MATRIX |= {
    f"{model._meta.app_label}_{model._meta.model_name}_{view}": "a version's id in the URL"
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ContentAdmin)
    for view in ("revision", "recover", "compare")
}

# The member pages (URL names); the discovery test checks that no other page of the site
# sends an anonymous visitor to the login page.
MEMBER_URL_NAMES = ["password_change", "password_change_done"]
# A flat page the secretariat marks "registration required" is a member page too.
MEMBERS_ONLY_FLATPAGE = "/tai-lieu-noi-bo/"


@dataclasses.dataclass
class SiteData:
    """The site the matrix runs against (its `site` fixture)."""

    users: dict  # user kind -> User (None for anonymous)
    objects: dict  # registered model -> one existing object of it


@dataclasses.dataclass(frozen=True)
class Page:
    """One row of the matrix: a URL to build once the objects exist, and what it needs."""

    id: str  # the path shown in the test id, "<pk>" standing for the object's key
    needs: str
    url_name: str = ""
    model: type | None = None
    actions: tuple[str, ...] = ()  # the permissions needed on `model`, all of them
    needs_object: bool = False
    denied: str = DENIED
    app_label: str = ""
    query: str = ""
    path: str = ""  # a fixed path, for pages that have no URL name

    @property
    def is_admin(self) -> bool:
        return self.needs != LOGGED_IN

    def url(self, site: SiteData) -> str:
        if self.path:
            return self.path
        if self.url_name == "admin:view_on_site":
            article = site.objects[Article]
            ct = ContentType.objects.get_for_model(Article)
            return reverse(self.url_name, args=[ct.pk, article.pk])
        if self.app_label:
            return reverse(self.url_name, kwargs={"app_label": self.app_label})
        args = [site.objects[self.model].pk] if self.needs_object else []
        return reverse(self.url_name, args=args) + (f"?{self.query}" if self.query else "")


def model_label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def object_path(url_name: str) -> str:
    """The path of a per-object admin URL, with <pk> in place of the key."""
    return reverse(url_name, args=[0]).replace("/0/", "/<pk>/")


def autocomplete_pages() -> list[Page]:
    """The autocomplete search behind every autocomplete field, inlines' included.

    It lists objects of the *remote* model, so it needs the view permission on that model:
    without it, the members' account field must not list login accounts.
    """
    pages = []
    for model, model_admin in admin.site._registry.items():
        sources = [(model, model_admin.autocomplete_fields)]
        sources += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
        for source, fields in sources:
            for field_name in fields:
                remote = source._meta.get_field(field_name).remote_field.model
                query = urlencode(
                    {
                        "app_label": source._meta.app_label,
                        "model_name": source._meta.model_name,
                        "field_name": field_name,
                    }
                )
                pages.append(
                    Page(
                        id=f"{reverse('admin:autocomplete')}?{query}",
                        needs=MODEL_PERMISSION,
                        url_name="admin:autocomplete",
                        model=remote,
                        actions=("view",),
                        query=query,
                    )
                )
    return pages


def admin_pages() -> list[Page]:
    """Every admin page: the site's own, each app's index, each model's views, the custom ones."""
    pages = [
        Page(id=reverse(f"admin:{name}"), needs=ANY_STAFF, url_name=f"admin:{name}")
        for name in ("index", "password_change", "password_change_done", "jsi18n")
    ]
    # "View on site": a redirect to the object's public page, for any staff.
    pages.append(Page(id="/admin/r/<ct>/<pk>/", needs=ANY_STAFF, url_name="admin:view_on_site"))
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        pages.append(
            Page(
                id=reverse("admin:app_list", kwargs={"app_label": app_label}),
                needs=APP_INDEX,
                url_name="admin:app_list",
                app_label=app_label,
            )
        )
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for suffix, action, needs_object in MODEL_VIEWS:
            name = f"{info}_{suffix}"
            pages.append(
                Page(
                    id=object_path(name) if needs_object else reverse(name),
                    needs=MODEL_PERMISSION,
                    url_name=name,
                    model=model,
                    actions=(action,),
                    needs_object=needs_object,
                )
            )
    for name, view in CUSTOM_ADMIN_VIEWS.items():
        url_name = f"admin:{name}"
        model = admin_url_model(name)
        pages.append(
            Page(
                id=object_path(url_name) if view.needs_object else reverse(url_name),
                needs=MODEL_PERMISSION,
                url_name=url_name,
                model=model,
                actions=view.actions,
                needs_object=view.needs_object,
                denied=view.denied,
            )
        )
    return pages + autocomplete_pages()


def member_pages() -> list[Page]:
    pages = [Page(id=reverse(name), needs=LOGGED_IN, url_name=name) for name in MEMBER_URL_NAMES]
    return [*pages, Page(id=MEMBERS_ONLY_FLATPAGE, needs=LOGGED_IN, path=MEMBERS_ONLY_FLATPAGE)]


def admin_url_names(patterns=None) -> set[str]:
    """The name of every named URL pattern of the admin site, the ModelAdmins' included."""
    names = set()
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            names |= admin_url_names(pattern.url_patterns)
        elif pattern.name:
            names.add(pattern.name)
    return names


def admin_url_model(name: str):
    """The model of the ModelAdmin whose get_urls() declares the admin URL `name`."""
    for model, model_admin in admin.site._registry.items():
        if any(getattr(p, "name", None) == name for p in model_admin.get_urls()):
            return model
    raise LookupError(f"no ModelAdmin declares the admin URL {name!r}")


ADMIN_PAGES = admin_pages()
MEMBER_PAGES = member_pages()


def outcome(response) -> str:
    """A response as the matrix names it: a status code, or where a redirect leads."""
    if response.status_code == 302:
        target = urlsplit(response["Location"]).path
        if target == reverse("admin:login"):
            return ADMIN_LOGIN
        if target == reverse("login"):
            return MEMBER_LOGIN
        return REDIRECT
    return str(response.status_code)
