"""The content admins' safety: stale forms refused, every save kept as a version.

A leaf module (it imports no app): each app's admin builds on `ContentAdmin`, or
on `StaleFormGuard` alone where a row's versions are not kept (meeting notices).

- A change form carries, in a hidden field, a signed snapshot of the saved
  values it was opened with (the row's fields that the form edits and its
  inlines' rows). On save the snapshot is taken again, with the row locked;
  if anything differs the save is refused, nothing is written, the user's
  input stays in the form and the message names what changed.
- django-reversion keeps every save made through the admin as a version of the
  row and its inlines' rows; django-reversion-compare adds the comparison of two
  versions to the admin's history page. Restoring an old version and
  recovering a deleted row are django-reversion's own views.
"""

import datetime
import functools

from django import forms
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.forms.models import BaseModelFormSet, _get_foreign_key
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from modeltranslation.fields import TranslationFieldDescriptor
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

TOKEN_FIELD = "version_token"
SALT = "council.versioning"  # the module's former path, kept: a new salt voids signed tokens


def _model_field(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.auto_created or not (field.concrete or field.many_to_many):
        return None
    return field


def row_values(instance, names) -> dict[str, str]:
    """The saved values of `instance`'s fields `names` (those that are model fields), as text."""
    values = {}
    for name in names:
        field = _model_field(type(instance), name)
        if field is None or field.primary_key:
            continue
        if field.many_to_many:
            pks = getattr(instance, name).values_list("pk", flat=True) if instance.pk else []
            values[name] = ",".join(sorted(str(pk) for pk in pks))
        else:
            value = field.value_from_object(instance)
            if isinstance(value, datetime.datetime | datetime.time):
                # The admin's widgets show whole seconds: a fraction of one is no change to the user.
                values[name] = value.replace(microsecond=0).isoformat()
            else:
                values[name] = field.value_to_string(instance)
    return values


class VersionTokenForm(forms.ModelForm):
    """A model form carrying the snapshot it was opened with, refused when it is stale.

    `StaleFormGuard.get_form` sets `snapshot_of` (a function of the saved row).
    """

    version_token = forms.CharField(widget=forms.HiddenInput, required=False)
    snapshot_of = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A bound form sends back the token it came with; only a form being opened needs a new one.
        if not self.is_bound and self.instance.pk is not None and self.snapshot_of is not None:
            self.fields[TOKEN_FIELD].initial = signing.dumps(
                self.snapshot_of(self.instance), salt=SALT, compress=True
            )

    @property
    def changed_data(self):
        # The token is not content: it is never "changed" in the history's messages.
        return [name for name in super().changed_data if name != TOKEN_FIELD]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or self.snapshot_of is None:
            return cleaned
        try:
            opened = signing.loads(self.data.get(TOKEN_FIELD) or "", salt=SALT)
        except signing.BadSignature:
            raise ValidationError(
                _("Biểu mẫu này thiếu mã phiên bản nên không thể lưu. Hãy tải lại trang rồi sửa lại."),
                code="no_version",
            ) from None
        # Locked until the save commits: a second save waits, then sees this one's changes.
        saved = type(self.instance)._base_manager.select_for_update().get(pk=self.instance.pk)
        changes = describe_changes(type(self.instance), opened, self.snapshot_of(saved))
        if changes:
            raise ValidationError(
                [
                    _(
                        "Chưa lưu: trang này đã được sửa ở nơi khác (trong một thẻ khác hoặc bởi "
                        "người khác) sau khi bạn mở nó. Những gì đã thay đổi:"
                    ),
                    *changes,
                    _(
                        "Nội dung bạn vừa nhập vẫn còn trong biểu mẫu dưới đây. Hãy mở lại trang này "
                        "trong một thẻ mới để xem bản mới nhất, chép những thay đổi của bạn sang đó rồi lưu."
                    ),
                ],
                code="stale",
            )
        return cleaned


@functools.cache
def _translated_originals(model) -> frozenset[str]:
    """A translated field's own column (`title`): it follows `title_vi`, which the form edits."""
    return frozenset(
        name for name, value in vars(model).items() if isinstance(value, TranslationFieldDescriptor)
    )


def _shown(value: str) -> str:
    return Truncator(strip_tags(value).strip()).chars(60) or "–"


def describe_changes(model, opened: dict, saved: dict) -> list[str]:
    """One Vietnamese line per change between two snapshots of a row and its inlines."""
    lines = []
    for name, value in saved[""].items():
        if opened[""].get(name) == value:
            continue
        field = model._meta.get_field(name)
        if field.choices:
            labels = {str(choice): str(text) for choice, text in field.flatchoices}
            lines.append(
                _("%(field)s: “%(old)s” → “%(new)s”")
                % {
                    "field": field.verbose_name,
                    "old": labels.get(opened[""].get(name, ""), "–"),
                    "new": labels.get(value, value),
                }
            )
        elif field.get_internal_type() in {"CharField", "TextField", "SlugField", "URLField", "EmailField"}:
            lines.append(
                _("%(field)s: “%(old)s” → “%(new)s”")
                % {"field": field.verbose_name, "old": _shown(opened[""].get(name, "")), "new": _shown(value)}
            )
        else:
            lines.append(_("%(field)s đã đổi") % {"field": field.verbose_name})
    for key, (title, rows) in saved["inlines"].items():
        before = opened["inlines"].get(key, [title, {}])[1]
        added = len(rows.keys() - before.keys())
        removed = len(before.keys() - rows.keys())
        edited = sum(1 for pk in rows.keys() & before.keys() if rows[pk] != before[pk])
        if added:
            lines.append(_("%(inline)s: thêm %(n)d dòng") % {"inline": title, "n": added})
        if removed:
            lines.append(_("%(inline)s: xóa %(n)d dòng") % {"inline": title, "n": removed})
        if edited:
            lines.append(_("%(inline)s: sửa %(n)d dòng") % {"inline": title, "n": edited})
    return lines


class VersionTokenFormSet(BaseModelFormSet):
    """The list's editable columns, refused when a row shown changed since the list was opened.

    The management form carries a signed snapshot of the shown rows' editable values;
    on save the rows are locked and read again (the admin's list view saves in a
    revision, hence in a transaction). `StaleFormGuard.get_changelist_formset` sets `editable`.
    """

    editable: list[str] = []

    def _snapshot(self, rows) -> dict[str, dict[str, str]]:
        return {str(row.pk): row_values(row, self.editable) for row in rows}

    @cached_property
    def management_form(self):
        form = super().management_form
        form.fields[TOKEN_FIELD] = forms.CharField(
            widget=forms.HiddenInput,
            required=False,
            initial=None
            if self.is_bound
            else signing.dumps(self._snapshot(self.get_queryset()), salt=SALT, compress=True),
        )
        return form

    def clean(self):
        super().clean()
        try:
            opened = signing.loads(self.data.get(f"{self.prefix}-{TOKEN_FIELD}") or "", salt=SALT)
        except signing.BadSignature:
            raise ValidationError(
                _("Danh sách này thiếu mã phiên bản nên không thể lưu. Hãy tải lại trang rồi sửa lại."),
                code="no_version",
            ) from None
        pks = [form.instance.pk for form in self.forms if form.instance.pk is not None]
        saved = self.model._base_manager.select_for_update().filter(pk__in=pks).order_by("pk")
        lines = []
        for row in saved:
            before = opened.get(str(row.pk))
            if before is None:
                continue
            now = self._snapshot([row])[str(row.pk)]
            changes = describe_changes(self.model, {"": before, "inlines": {}}, {"": now, "inlines": {}})
            lines.extend(f"{row}: {change}" for change in changes)
        if lines:
            raise ValidationError(
                [
                    _(
                        "Chưa lưu: danh sách này đã được sửa ở nơi khác (trong một thẻ khác hoặc bởi "
                        "người khác) sau khi bạn mở nó. Những gì đã thay đổi:"
                    ),
                    *lines,
                    _(
                        "Những gì bạn vừa nhập vẫn còn trong danh sách dưới đây. Hãy mở lại danh sách "
                        "trong một thẻ mới để xem bản mới nhất, chép những thay đổi của bạn sang đó rồi lưu."
                    ),
                ],
                code="stale",
            )


class StaleFormGuard:
    """A ModelAdmin mixin: change forms and editable lists opened before the rows changed are refused."""

    def snapshot(self, request, obj, form_fields) -> dict:
        """The saved values of `obj` that the form edits, and of its inlines' rows."""
        inlines = {}
        for inline in self.get_inline_instances(request, obj):
            fk = _get_foreign_key(type(obj), inline.model, fk_name=inline.fk_name)
            formset = inline.get_formset(request, obj)
            names = [name for name in formset.form.base_fields if name != fk.name]
            if not (names or formset.can_delete or inline.has_add_permission(request, obj)):
                continue  # rows shown, not edited (a notice's deliveries): no one's edit to lose
            rows = inline.model._base_manager.filter(**{fk.name: obj}).order_by("pk")
            inlines[f"{inline.model._meta.label}:{fk.name}"] = [
                str(inline.model._meta.verbose_name_plural),
                {str(row.pk): row_values(row, names) for row in rows},
            ]
        return {"": row_values(obj, form_fields), "inlines": inlines}

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.pop("form", self.form)
        if not issubclass(base, VersionTokenForm):
            base = type(base.__name__, (VersionTokenForm, base), {"__module__": base.__module__})
        form = super().get_form(request, obj, change=change, form=base, **kwargs)
        names = [name for name in form.base_fields if name != TOKEN_FIELD]
        form.snapshot_of = staticmethod(lambda saved: self.snapshot(request, saved, names))
        return form

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, formset=VersionTokenFormSet, **kwargs)
        formset.editable = list(self.list_editable)
        return formset

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The token rides in a hidden fieldset of its own, whatever fieldsets the admin declares.
        adminform = context.get("adminform")
        if change and adminform is not None and TOKEN_FIELD not in flatten_fieldsets(adminform.fieldsets):
            adminform.fieldsets = [
                *adminform.fieldsets,
                (None, {"fields": [TOKEN_FIELD], "classes": ["hidden"]}),
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)


class ContentAdmin(StaleFormGuard, CompareVersionAdmin):
    """The base of every content admin: stale forms refused, versions, comparison, restore."""

    # History lists versions newest first, as the admin's own history does.
    history_latest_first = True

    @property
    def compare_exclude(self) -> list[str]:
        # Times the database sets on every save are no one's edit, and a translated field's own
        # column repeats its Vietnamese version: left out of comparisons.
        return [
            field.name
            for field in self.model._meta.concrete_fields
            if getattr(field, "auto_now", False) or field.name in _translated_originals(self.model)
        ]

    # django-reversion finds a version by its id alone: here it must be one of this admin's model.
    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(
            Version.objects.get_for_model(self.model), pk=version_id, object_id=unquote(object_id)
        )
        title = _("Khôi phục bản cũ: %(name)s") % {"name": version.object_repr}
        current = self.model._base_manager.filter(pk=unquote(object_id)).first()
        if current is not None:
            # What the form does not edit (a view count, the sidebar's poll) stays as it is now.
            request._live_values = {
                field.name: (field.attname, field.value_from_object(current))
                for field in self.model._meta.concrete_fields
                if not field.primary_key and field.name not in _translated_originals(self.model)
            }
        return super().revision_view(
            request, object_id, version_id, {"title": title, **(extra_context or {})}
        )

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        title = _("Khôi phục: %(name)s") % {"name": version.object_repr}
        return super().recover_view(request, version_id, {"title": title, **(extra_context or {})})

    def recoverlist_view(self, request, extra_context=None):
        title = _("Khôi phục %(name)s đã xóa") % {"name": self.model._meta.verbose_name}
        return super().recoverlist_view(request, {"title": title, **(extra_context or {})})

    def compare_view(self, request, object_id, extra_context=None):
        # django-reversion-compare asks only for staff: the versions show what the row shows.
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        title = _("So sánh hai bản: %(name)s") % {"name": obj}
        return super().compare_view(request, object_id, {"title": title, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        for name, (attname, value) in getattr(request, "_live_values", {}).items():
            if name not in form.fields:
                setattr(obj, attname, value)
        super().save_model(request, obj, form, change)
