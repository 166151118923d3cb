"""English versions of meetings and agreements beside the Vietnamese (django-modeltranslation).

Each field listed becomes `<field>_vi` and `<field>_en`; reading `<field>` gives the
active language's text, else the Vietnamese (settings.MODELTRANSLATION_FALLBACK_LANGUAGES).
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Agreement, Meeting


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("title", "summary")
