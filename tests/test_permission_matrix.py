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

import pytest
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from council.shared.permissions import SECRETARIAT_GROUP
from members.models import User
from tests.factories import SecretariatFactory, UserFactory
from tests.permission_pages import (
    ADMIN_LOGIN,
    ADMIN_PAGES,
    ANONYMOUS,
    ANY_STAFF,
    APP_INDEX,
    BARE_STAFF,
    DENIED,
    MEMBER,
    MEMBER_LOGIN,
    MEMBER_PAGES,
    MEMBER_URL_NAMES,
    MEMBERS_ONLY_FLATPAGE,
    MODEL_PERMISSION,
    NOT_FOUND,
    NOT_IN_MATRIX,
    OK,
    REDIRECT,
    SECRETARIAT,
    STAFF_KINDS,
    SUPERUSER,
    USER_KINDS,
    Page,
    SiteData,
    admin_url_names,
    model_label,
    outcome,
    policy_allows,
)

# --- The site the matrix runs against --------------------------------------------------------

# Every test reads the files of the module's demo site (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("demo_media")


@pytest.fixture(scope="module")
def site(demo_site, django_db_blocker):
    """The demo site with a row of every registered model (tests/admin_forms.py), and the users.

    Built once for the module, inside the demo site's transaction (rolled back at its end);
    each test runs in a savepoint inside it (pytest-django's django_db), so no test sees
    another's changes.
    """
    with django_db_blocker.unblock():
        member = User.objects.get(username="thanh-vien")
        members_only_page()
        users = {
            ANONYMOUS: None,
            MEMBER: member,
            SECRETARIAT: SecretariatFactory(username="to-giup-viec"),
            BARE_STAFF: UserFactory(username="nhan-vien", is_staff=True),
            SUPERUSER: UserFactory(username="quan-tri", is_staff=True, is_superuser=True),
        }
        objects = {model: model._default_manager.order_by("pk").first() for model in admin.site._registry}
        # A login account's page is the sensitive one: use the member's.
        objects[User] = member
    missing = sorted(model_label(m) for m, obj in objects.items() if obj is None)
    assert not missing, f"tests.admin_forms.load_demo_site() must create one of each: {missing}"
    return SiteData(users=users, objects=objects)


def members_only_page() -> None:
    page = FlatPage.objects.create(
        url=MEMBERS_ONLY_FLATPAGE,
        title="Tài liệu nội bộ",
        content="<p>Chỉ dành cho thành viên Hội đồng.</p>",
        registration_required=True,
    )
    page.sites.add(Site.objects.get_current())


# --- Helpers ---------------------------------------------------------------------------------


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
    # A regular expression's path (the flat pages' catch-all) ends with a slash.
    text = "khong-co" if converters or pattern.pattern.regex.match("khong-co") else "khong-co/"
    return {name: 999999 if isinstance(converters.get(name), IntConverter) else text for name in names}


@pytest.mark.django_db
def test_no_other_page_of_the_site_needs_a_login(client, site):
    """Anonymous GETs of every public URL: only the member pages above send to the login page."""
    sends_to_login = set()
    for name, kwargs in site_url_patterns():
        url = reverse(name, kwargs=kwargs)
        if outcome(client.get(url)) == MEMBER_LOGIN:
            sends_to_login.add(name)

    assert sends_to_login == set(MEMBER_URL_NAMES)
