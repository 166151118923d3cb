"""English versions of content beside the Vietnamese: which language a record's text is shown in.

A leaf module (it imports no app). Each app registers its translated fields in its
`translation.py` (django-modeltranslation): `title` is then stored as `title_vi`
and `title_en`, and reading `title` gives the active language's text, else the
Vietnamese. Pages ask this module whether the English they show is really English,
to put `lang="vi"` and a note on the Vietnamese shown in its place.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import F, Value
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _own_text(record, field: str, language: str) -> str:
    return getattr(record, f"{field}_{language}", None) or ""


def shown_language(record, field: str) -> str:
    """The language `record.<field>` is shown in on the current page: the page's, else Vietnamese.

    A field that is not translated at all (a meeting's account) is Vietnamese.
    """
    language = get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE and _own_text(record, field, language).strip():
        return language
    return settings.LANGUAGE_CODE


def lacks_translation(record, *fields: str) -> bool:
    """True when the page is not Vietnamese and one of `fields` of `record` has no version in its language."""
    language = get_language() or settings.LANGUAGE_CODE
    return language != settings.LANGUAGE_CODE and any(
        shown_language(record, field) != language for field in fields
    )


def fields_of(*names: str) -> list[str]:
    """Every language's column of the translated fields `names`: ["title_vi", "title_en", ...]."""
    return [f"{name}_{code}" for name in names for code, _label in settings.LANGUAGES]


def keep_as_vietnamese(app_label: str, model_name: str, fields: list[str]):
    """A migration operation: the values of `fields` before they were translated become the Vietnamese
    ones; the other languages' are empty (not NULL, as every save leaves them)."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        values = {column: Value("") for column in fields_of(*fields)}
        values |= {f"{name}_{settings.LANGUAGE_CODE}": F(name) for name in fields}
        model._base_manager.update(**values)

    return migrations.RunPython(forward, migrations.RunPython.noop)


def _keep_original_vietnamese(sender, instance, update_fields=None, **kwargs) -> None:
    """Before a save: the Vietnamese version is never blank, the field's own column holds it, and a
    language without a version holds "" (modeltranslation's columns allow NULL; the forms send "").

    modeltranslation leaves the untranslated column (`title`) as it was loaded; kept
    equal to `title_vi`, it stays right for what reads it directly (a default ordering,
    a lookup through a relation such as `meeting__title`, the Vietnamese admin's lists).
    """
    from modeltranslation.translator import translator

    deferred = instance.get_deferred_fields()
    vietnamese_code = settings.LANGUAGE_CODE
    for name in translator.get_options_for_model(sender).all_fields:
        vietnamese = f"{name}_{vietnamese_code}"
        if update_fields is not None and not {name, vietnamese} & set(update_fields):
            continue
        if {name, vietnamese} & deferred:
            continue
        if not getattr(instance, vietnamese):
            setattr(instance, vietnamese, instance.__dict__.get(name) or "")
        instance.__dict__[name] = getattr(instance, vietnamese)
        for column in fields_of(name):
            if getattr(instance, column) is None:
                setattr(instance, column, "")


def keep_originals_vietnamese() -> None:
    """Connect the check above for every model with translated fields (from the site's AppConfig.ready)."""
    from django.db.models.signals import pre_save
    from modeltranslation.translator import translator

    for model in translator.get_registered_models(abstract=False):
        pre_save.connect(
            _keep_original_vietnamese, sender=model, dispatch_uid=f"vietnamese-{model._meta.label}"
        )


def english_fieldset(*names: str) -> tuple:
    """The admin's fieldset of the English versions of `names`, after the Vietnamese ones."""
    return (
        _("Bản tiếng Anh (không bắt buộc)"),
        {
            "fields": [f"{name}_en" for name in names],
            "description": _(
                "Để trống nếu chưa dịch: trang tiếng Anh (/en/) khi đó hiện bản tiếng Việt, "
                "kèm một dòng ghi chú cho người đọc."
            ),
        },
    )
