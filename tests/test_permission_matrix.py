"""Who may open which page: every admin page and every member page, for each kind of user.

The rows are not written by hand. The admin pages come from the admin site itself
(`admin.site._registry` and its URL patterns), so a model or a custom admin view
added later is checked without anyone remembering to add it here; a coverage test
fails if the admin grows a URL the matrix cannot build.

The expected outcome of each row is derived, not typed in:

- anonymous visitors are sent to a login page (the admin's for the admin, the
  members' one for member pages);
- a council member is logged in but not staff: the admin sends them to its login
  page too, member pages open;
- staff users get a page when they hold the permission it needs (`user.has_perm`)
  and the ModelAdmin allows that action at all (some models are read-only even for
  a superuser), and 403 (or 404 where the view hides the object) otherwise;
- the secretariat's permissions must in turn match the policy stated below, so the
  test fails if the group is given account rights, or if a view forgets its check.

Besides the four kinds of user the site has, the matrix uses a fifth: a staff user
in no group. It holds no permission at all, so any admin view that forgets its
permission check (the secretariat, holding every content permission, cannot reveal
that) answers it with a page instead of a 403.
"""

import dataclasses
from urllib.parse import urlencode, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from council.models import Article, Feedback
from council.shared.permissions import SECRETARIAT_GROUP
from council.shared.versioning import ContentAdmin
from meetings.models import Delivery
from members.models import User
from tests.factories import ArticleFactory, MemberFactory, NoticeFactory, UserFactory

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

    def url(self, site: "SiteData") -> str:
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


# --- The site the matrix runs against --------------------------------------------------------


@dataclasses.dataclass
class SiteData:
    users: dict  # user kind -> User (None for anonymous)
    objects: dict  # registered model -> one existing object of it


@pytest.fixture(scope="module")
def site_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _plain_static_and_private_media(settings, site_media):
    """As in conftest, but with the module's media folder, where the demo's files were written."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = site_media


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, site_media):
    """The demo site, the users and one object of every registered model, built once.

    Several hundred rows share it, so it is built in a transaction that stays open for the
    module and is rolled back at its end; each test runs in a savepoint inside it
    (pytest-django's django_db), so no test sees another's changes.
    """
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=site_media), transaction.atomic():
        call_command("load_demo", verbosity=0)
        member = UserFactory(username="thanh-vien")
        make_missing_objects(MemberFactory(user=member, full_name="Nguyễn Thành Viên"))
        secretariat = UserFactory(username="to-giup-viec", is_staff=True)
        secretariat.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
        users = {
            ANONYMOUS: None,
            MEMBER: member,
            SECRETARIAT: secretariat,
            BARE_STAFF: UserFactory(username="nhan-vien", is_staff=True),
            SUPERUSER: UserFactory(username="quan-tri", is_staff=True, is_superuser=True),
        }
        objects = {model: model._default_manager.order_by("pk").first() for model in admin.site._registry}
        # A login account's page is the sensitive one: use the member's.
        objects[User] = member
        missing = sorted(model_label(m) for m, obj in objects.items() if obj is None)
        assert not missing, f"make_missing_objects() must create one of each: {missing}"
        yield SiteData(users=users, objects=objects)
        transaction.set_rollback(True)


def make_missing_objects(member) -> None:
    """Rows of the registered models the demo does not make, and the members-only flat page."""
    notice = NoticeFactory()
    Delivery.objects.create(notice=notice, member=member, address=member.email)
    seen = {"ip_address": "203.0.113.7", "username": "khach", "user_agent": "pytest", "path_info": "/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    page = FlatPage.objects.create(
        url=MEMBERS_ONLY_FLATPAGE,
        title="Tài liệu nội bộ",
        content="<p>Chỉ dành cho thành viên Hội đồng.</p>",
        registration_required=True,
    )
    page.sites.add(Site.objects.get_current())
    Feedback.objects.create(name="Khách", email="khach@example.vn", subject="Góp ý", message="Nội dung")


# --- Helpers ---------------------------------------------------------------------------------


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


def holds(user, model, action: str) -> bool:
    """Whether `user` has the permission for `action` on `model` ("view" = view or change)."""
    opts = model._meta

    def has(name: str) -> bool:
        return user.has_perm(f"{opts.app_label}.{get_permission_codename(name, opts)}")

    return has("view") or has("change") if action == "view" else has(action)


def admin_allows(model, action: str, obj, superuser) -> bool:
    """Whether the ModelAdmin allows `action` at all: asked for a superuser, who holds every permission.

    False for what a ModelAdmin switches off for everyone (adding daily visits, deleting deliveries...).
    """
    model_admin = admin.site.get_model_admin(model)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    if action == "add":
        return model_admin.has_add_permission(request)
    check = {
        "view": model_admin.has_view_or_change_permission,
        "change": model_admin.has_change_permission,
        "delete": model_admin.has_delete_permission,
    }[action]
    return check(request, obj)


def expected(page: Page, kind: str, site: SiteData) -> str:
    """What `kind` of user should get on `page`, derived from permissions (see the module's doc)."""
    if kind == ANONYMOUS:
        return ADMIN_LOGIN if page.is_admin else MEMBER_LOGIN
    if not page.is_admin:
        return OK
    if kind not in STAFF_KINDS:
        return ADMIN_LOGIN
    user, superuser = site.users[kind], site.users[SUPERUSER]
    if page.needs == ANY_STAFF:
        return REDIRECT if page.url_name == "admin:view_on_site" else OK
    if page.needs == APP_INDEX:
        models = [m for m in admin.site._registry if m._meta.app_label == page.app_label]
        sees_some = any(
            holds(user, model, action) and admin_allows(model, action, None, superuser)
            for model in models
            for action in ("view", "add", "change", "delete")
        )
        return OK if sees_some else NOT_FOUND
    obj = site.objects[page.model] if page.needs_object else None
    allowed = all(
        admin_allows(page.model, action, obj, superuser) and holds(user, page.model, action)
        for action in page.actions
    )
    return OK if allowed else page.denied


def log_in(client, site: SiteData, kind: str) -> None:
    if site.users[kind] is not None:
        client.force_login(site.users[kind])


# --- The matrix ------------------------------------------------------------------------------


def matrix(pages: list[Page]):
    return [pytest.param(page, kind, id=f"{kind} {page.id}") for page in pages for kind in USER_KINDS]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "kind"), matrix(ADMIN_PAGES + MEMBER_PAGES))
def test_page_answers_each_kind_of_user_as_its_permissions_say(client, site, page, kind):
    if kind == SECRETARIAT and page.needs == MODEL_PERMISSION:
        # The group's real permissions must agree with the policy before they can be trusted.
        user, meta = site.users[SECRETARIAT], page.model._meta
        for action in page.actions:
            assert holds(user, page.model, action) == policy_allows(meta.app_label, meta.model_name), (
                f"the secretariat's {action!r} permission on {model_label(page.model)} breaks the policy"
            )
    log_in(client, site, kind)
    url = page.url(site)

    response = client.get(url)

    assert outcome(response) == expected(page, kind, site), f"GET {url} as {kind}"


# Deleting by POST: refused to those who may not delete, and nothing is deleted. The
# secretariat is tried on the models the policy keeps from it; the staff user on all.
DELETE_CASES = [
    pytest.param(model, kind, id=f"{kind} {model_label(model)}")
    for model in admin.site._registry
    for kind in (ANONYMOUS, MEMBER, SECRETARIAT, BARE_STAFF)
    if kind != SECRETARIAT or not policy_allows(model._meta.app_label, model._meta.model_name)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "kind"), DELETE_CASES)
def test_post_to_a_delete_page_deletes_nothing_for_those_without_the_right(client, site, model, kind):
    obj = site.objects[model]
    log_in(client, site, kind)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[obj.pk])

    response = client.post(url, {"post": "yes"})

    assert outcome(response) == (ADMIN_LOGIN if kind in (ANONYMOUS, MEMBER) else DENIED), f"POST {url}"
    assert model._default_manager.filter(pk=obj.pk).exists(), f"POST {url} as {kind} deleted the object"


# --- Completeness ----------------------------------------------------------------------------


def test_the_matrix_covers_every_admin_url():
    """A URL added to the admin (a new get_urls() view, say) must get a row, with its permission."""
    covered = {page.url_name.removeprefix("admin:") for page in ADMIN_PAGES}
    names = admin_url_names()

    missing = names - covered - NOT_IN_MATRIX.keys()

    assert not missing, f"add these admin URLs to CUSTOM_ADMIN_VIEWS, with their permission: {missing}"
    assert covered <= names


@pytest.mark.django_db
def test_secretariat_permissions_are_exactly_the_policy(site):
    """Every permission in the database, held by the group if and only if the policy says so."""
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    held = set(group.permissions.values_list("pk", flat=True))
    wrong = [
        f"{'has' if p.pk in held else 'lacks'} {p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
        if (p.pk in held) != policy_allows(p.content_type.app_label, p.content_type.model)
    ]

    assert not wrong, f"the secretariat group breaks the policy: {wrong}"
    assert not site.users[SECRETARIAT].user_permissions.exists(), "permissions go through the group"


def site_url_patterns(resolver=None, prefix="", kwargs=None):
    """(URL name, dummy kwargs) of every named non-admin URL of the site, namespaces included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        dummies = {**(kwargs or {}), **dummy_kwargs(pattern)}
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from site_url_patterns(pattern, namespace, dummies)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, dummies


def dummy_kwargs(pattern) -> dict:
    """A value for each parameter of a pattern: ones that match, but name nothing that exists."""
    converters = getattr(pattern.pattern, "converters", {})
    names = list(converters) or list(pattern.pattern.regex.groupindex)
    return {name: 999999 if isinstance(converters.get(name), IntConverter) else "khong-co" for name in names}


@pytest.mark.django_db
def test_no_other_page_of_the_site_needs_a_login(client, site):
    """Anonymous GETs of every public URL: only the member pages above send to the login page."""
    sends_to_login = set()
    for name, kwargs in site_url_patterns():
        url = reverse(name, kwargs=kwargs)
        if outcome(client.get(url)) == MEMBER_LOGIN:
            sends_to_login.add(name)

    assert sends_to_login == set(MEMBER_URL_NAMES)


# --- Beyond GET: actions and the CSV import --------------------------------------------------
# Django offers an admin action that declares no `permissions=[...]` to anyone who may merely
# *view* the list, and the CSV import updates existing members as well as adding new ones.
# Neither shows in the matrix (the secretariat holds every content permission), so a staff user
# holding a single permission is tried here.

# The project's own ModelAdmins (a third-party app's actions are its own business).
PROJECT_PACKAGES = {"council", "members", "meetings", "polls"}
ADMIN_ACTIONS = [
    pytest.param(model_admin, name, id=f"{model_label(model)} {name}")
    for model, model_admin in admin.site._registry.items()
    if type(model_admin).__module__.partition(".")[0] in PROJECT_PACKAGES
    for name in model_admin.actions or ()
]


@pytest.mark.parametrize(("model_admin", "name"), ADMIN_ACTIONS)
def test_every_admin_action_names_the_permission_it_needs(model_admin, name):
    action = getattr(model_admin, name) if isinstance(name, str) else name

    assert getattr(action, "allowed_permissions", None), f"{name}: declare @admin.action(permissions=[...])"


def staff_holding(codename: str):
    """A staff user in no group, holding this one permission ("app_label.codename")."""
    app_label, name = codename.split(".")
    user = UserFactory(username=f"chi-{name.replace('_', '-')}", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=name))
    return user


@pytest.mark.django_db
def test_a_staff_user_who_may_only_view_articles_cannot_publish_one(client, site):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(staff_holding("council.view_article"))

    response = client.post(
        reverse("admin:council_article_changelist"),
        {"action": "publish_now", "index": 0, ACTION_CHECKBOX_NAME: [draft.pk]},
    )

    draft.refresh_from_db()
    assert response.status_code in (200, 302)
    assert draft.status == Article.Status.DRAFT


@pytest.mark.django_db
def test_a_staff_user_who_may_only_add_members_cannot_import_over_existing_ones(client, site):
    client.force_login(staff_holding("members.add_member"))

    response = client.get(reverse("admin:members_member_import"))

    assert outcome(response) == DENIED
