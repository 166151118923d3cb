"""Private media: files under MEDIA_ROOT/private/ answered by Django, which checks publication."""

from django.http import Http404, HttpRequest, HttpResponse

from meetings.models import Agreement, Document, Meeting, Photo

from .models import Article
from .shared import privatemedia


def _private_files() -> dict:
    """For each folder under MEDIA_ROOT/private/: (every record, the public ones, the file field)."""
    return {
        "documents": (Document.objects.all(), Document.objects.public(), "file"),
        "agreements": (Agreement.objects.all(), Agreement.objects.filter(published=True), "document"),
        "photos": (Photo.objects.all(), Photo.objects.filter(meeting__in=Meeting.objects.public()), "image"),
        "news": (Article.objects.all(), Article.objects.public(), "cover"),
    }


def private_media(request: HttpRequest, path: str) -> HttpResponse:
    """A file under MEDIA_ROOT/private/: to staff always, to others only once its record is public.

    Anything else (an unknown path, a file no record holds, an unpublished
    record's file) is a 404, the same answer as for a file that does not exist.
    """
    name = privatemedia.PRIVATE_PREFIX + path
    source = _private_files().get(path.split("/", 1)[0])
    if source is None or ".." in path.split("/"):
        raise Http404
    every, public, field = source
    records = every if request.user.is_staff else public
    record = records.filter(**{field: name}).first()
    if record is None:
        raise Http404
    response = privatemedia.file_response(getattr(record, field))
    if not request.user.is_staff:
        return response
    # A staff member may be looking at a draft: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response
