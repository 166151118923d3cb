"""English versions of articles and the council's pages beside the Vietnamese (django-modeltranslation).

An article is in English only when the secretariat writes its English title;
the others show their Vietnamese text on the English pages, with a note.
"""

from django.contrib.flatpages.models import FlatPage
from modeltranslation.translator import TranslationOptions, register

from .models import Article


@register(Article)
class ArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "body")


@register(FlatPage)
class FlatPageTranslation(TranslationOptions):
    fields = ("title", "content")
