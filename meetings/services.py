"""Workflows of the meetings app (notices have their own modules, notice_*.py)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F

from council.shared import doctext
from council.shared.queue import enqueue
from council.shared.slugs import unique_slug
from council.shared.uploads import reencode_image, validate_image

from .models import AgendaItem, Document, Meeting, Photo


@transaction.atomic
def copy_meeting(*, meeting: Meeting) -> Meeting:
    """A draft of next year's meeting, copied from `meeting` with its agenda.

    Dates move one year on (52 weeks, so the weekday stays); the next host
    becomes the host. Attendance, documents, photos and recommendations are
    not copied: they belong to the meeting that happened.
    """
    year = meeting.year + 1
    shift = timedelta(weeks=52)
    title = (
        meeting.title.replace(str(meeting.year), str(year))
        if str(meeting.year) in meeting.title
        else meeting.title
    )
    copy = Meeting.objects.create(
        title=title,
        slug=unique_slug(title, Meeting, fallback=f"phien-hop-{year}"),
        year=year,
        starts_at=meeting.starts_at + shift,
        ends_at=meeting.ends_at + shift if meeting.ends_at else None,
        host_province=meeting.next_host or meeting.host_province,
        chair=meeting.chair,
        status=Meeting.Status.DRAFT,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=copy,
            order=item.order,
            starts_at=item.starts_at,
            title=item.title,
            presenter=item.presenter,
            description=item.description,
        )
        for item in meeting.agenda_items.all()
    )
    return copy


def add_photos(*, meeting: Meeting, files, credit: str = "") -> list[Photo]:
    """Check, re-encode and attach uploaded images to `meeting`, after its current photos.

    Raises ValidationError naming the first bad file; then nothing is saved.
    """
    for upload in files:
        validate_image(upload)
    start = (meeting.photos.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    with transaction.atomic():
        return [
            Photo.objects.create(
                meeting=meeting, image=reencode_image(upload), credit=credit, order=start + index
            )
            for index, upload in enumerate(files)
        ]


def queue_document_text(*, document: Document) -> bool:
    """After the commit, have a task read the text of `document`'s file, if it is not that file's already.

    Marks the document pending; True if a task was queued.
    """
    if not document.file or document.text_of == document.file.name:
        return False
    Document.objects.filter(pk=document.pk).update(text_status=Document.TextStatus.PENDING)
    from . import tasks  # tasks import this module

    # A broker that is down must not fail the upload: the sweep reads the document later.
    transaction.on_commit(lambda: enqueue(tasks.read_document_text, document.pk))
    return True


def sweep_document_texts() -> int:
    """Queue the reading of every document whose current file was not read yet; returns how many."""
    from . import tasks

    pending = list(Document.objects.exclude(file="").exclude(text_of=F("file")).values_list("pk", flat=True))
    for pk in pending:
        enqueue(tasks.read_document_text, pk)
    return len(pending)


def read_document_text(*, document_id: int) -> str:
    """Read the text of a document's file for search and store it; returns the status stored.

    Safe to run twice, and against a race with a new upload: the row is updated
    only if its file is still the one that was read. A missing row or file stores nothing.
    """
    document = Document.objects.filter(pk=document_id).only("file").first()
    if document is None or not document.file:
        return ""
    name = document.file.name
    try:
        with document.file.open("rb") as file:
            extracted = doctext.extract(file, name=name, size=document.file.size)
    except FileNotFoundError:
        return ""
    Document.objects.filter(pk=document_id, file=name).update(
        text=extracted.text, text_status=extracted.status, text_of=name
    )
    return extracted.status
