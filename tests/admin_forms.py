"""Reading an admin change form as a browser would, to post it back.

`form_fields(html)` returns what a browser sends for the page's main form when
nothing is touched: text inputs and text areas as they are, checked boxes,
selected options, hidden fields (management forms, version tokens) and, for a
file input, nothing (the stored file stays). The inline "empty form" templates
(`__prefix__`) are left out, as the browser's script does.
"""

from html.parser import HTMLParser

from django.db import models
from django.forms.models import _get_foreign_key

SKIPPED_TYPES = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self._select: tuple[str, list[str], bool] | None = None
        self._first_option: str | None = None
        self._option: dict | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = (
                attrs.get("id") == self.form_id if self.form_id else attrs.get("method", "").lower() == "post"
            )
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        disabled = "disabled" in attrs
        if tag == "input" and name and not disabled:
            kind = attrs.get("type", "text").lower()
            if kind in SKIPPED_TYPES:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name and not disabled:
            self._textarea = (name, [])
        elif tag == "select" and name and not disabled:
            self._select = (name, [], "multiple" in attrs)
            self._first_option = None
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option = {"value": value, "text": [], "selected": "selected" in attrs}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None:
            self._option["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea[1])
            # A browser drops one newline right after <textarea>.
            self.fields.append((self._textarea[0], text.removeprefix("\n")))
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            option = self._option
            value = option["value"] if option["value"] is not None else "".join(option["text"]).strip()
            if self._first_option is None:
                self._first_option = value
            if option["selected"]:
                self._select[1].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            name, chosen, multiple = self._select
            if not chosen and not multiple and self._first_option is not None:
                chosen = [self._first_option]
            self.fields.extend((name, value) for value in chosen)
            self._select = None


def form_fields(html: str, form_id: str | None = None) -> dict[str, str | list[str]]:
    """What a browser would post from the page's form, untouched (see the module's docstring)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        if "__prefix__" in name:
            continue
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def tracked_values(model_admin, request, obj) -> dict:
    """The saved values of `obj` and of its inlines' rows, to compare before and after a save.

    Fields the database fills by itself on save (auto_now) are left out.
    """

    def values(instance) -> dict:
        row = {}
        for field in instance._meta.concrete_fields:
            if getattr(field, "auto_now", False):
                continue
            value = field.value_from_object(instance)
            row[field.attname] = str(value) if isinstance(value, models.fields.files.FieldFile) else value
        for field in instance._meta.many_to_many:
            row[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
        return row

    obj.refresh_from_db()
    result = {"": values(obj)}
    for inline in model_admin.get_inline_instances(request, obj):
        fk = _get_foreign_key(type(obj), inline.model, fk_name=inline.fk_name)
        rows = inline.model._default_manager.filter(**{fk.name: obj}).order_by("pk")
        result[inline.model._meta.label] = [values(row) for row in rows]
    return result


def load_demo_site(media_root) -> None:
    """The demo content (files written under `media_root`) and a row of each model it lacks."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.core.management import call_command
    from django.test import override_settings

    from council.models import Feedback
    from meetings.models import Delivery
    from tests.factories import MemberFactory, NoticeFactory, UserFactory

    with override_settings(MEDIA_ROOT=media_root):
        call_command("load_demo", verbosity=0)
    notice = NoticeFactory()
    member = MemberFactory(user=UserFactory(username="thanh-vien"), full_name="Nguyễn Thành Viên")
    Delivery.objects.create(notice=notice, member=member, address=member.email)
    Feedback.objects.create(
        name="Người đọc", email="doc-gia@example.org", subject="Hỏi về phiên họp", message="Xin hỏi…"
    )
    seen = {"ip_address": "203.0.113.7", "username": "khach", "user_agent": "pytest", "path_info": "/"}
    AccessAttempt.objects.create(**seen, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)


def version_token(client, url: str) -> dict[str, str]:
    """The hidden version token of the change form at `url`, as a client opening it would get it."""
    return {"version_token": form_fields(client.get(url).text).get("version_token", "")}


def saves_at_the_same_moment(monkeypatch, first_post, second_post):
    """Two admin saves racing, as two tabs pressing "Lưu" together: (first answer, second answer).

    The first save is held inside ContentAdmin.save_model, after its check, until the
    second request is under way and half a second more: the second reaches its own check
    while the first has not committed (or is held at the row lock the first one took).
    Each post is a function of no argument that returns its response.
    """
    import threading
    import time

    from django.db import connection

    from council.shared.versioning import ContentAdmin

    first_saving, second_sent = threading.Event(), threading.Event()
    save_model = ContentAdmin.save_model

    def slow_first_save(self, request, obj, form, change):
        if not first_saving.is_set():
            first_saving.set()
            second_sent.wait(timeout=10)
            time.sleep(0.5)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(ContentAdmin, "save_model", slow_first_save)
    answers = {}

    def send(index, post):
        try:
            answers[index] = post()
        finally:
            connection.close()

    first = threading.Thread(target=send, args=(0, first_post))
    first.start()
    assert first_saving.wait(timeout=10), "the first save never reached save_model"
    second = threading.Thread(target=send, args=(1, second_post))
    second.start()
    second_sent.set()
    first.join(timeout=30)
    second.join(timeout=30)
    return answers[0], answers[1]
