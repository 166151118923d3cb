"""Every admin form survives a round trip: opened, posted back untouched, nothing changes.

Swept over every model registered in the admin, on the demo content (its photos
and documents included), as the secretariat; models the secretariat may not
change (login accounts, groups, the site) as a superuser.
"""

import io

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from council.demo.meetings import report_pdf
from meetings.models import Meeting, Recommendation
from tests.admin_forms import form_fields, tracked_values
from tests.factories import MemberFactory, SecretariatFactory, UserFactory, poll_with_choices

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_media")]

MODELS = list(admin.site._registry)


def label(model) -> str:
    return model._meta.label


@pytest.fixture
def users(demo_site):
    secretariat = SecretariatFactory(username="to-giup-viec")
    return {"secretariat": secretariat, "superuser": UserFactory(is_staff=True, is_superuser=True)}


def editor_of(model, obj, users):
    """The secretariat where it may change `model`, else a superuser; None where nobody may."""
    model_admin = admin.site._registry[model]
    for user in (users["secretariat"], users["superuser"]):
        request = RequestFactory().get("/")
        request.user = user
        if model_admin.has_change_permission(request, obj):
            return user, request
    return None, None


def png(name: str = "anh-moi.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (90, 60), (11, 79, 138)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "tai-lieu-moi.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, report_pdf(), content_type="application/pdf")


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_every_change_form_posted_back_untouched_saves_and_changes_nothing(client, users, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the demo (or load_demo_site) must make a {label(model)}"
    user, request = editor_of(model, obj, users)
    client.force_login(user or users["superuser"])
    page = client.get(change_url(obj))
    assert page.status_code == 200
    if user is None:  # read only for everyone (daily visits, votes, the sign-in records)
        assert 'name="_save"' not in page.text
        return
    model_admin = admin.site._registry[model]
    before = tracked_values(model_admin, request, obj)

    response = client.post(change_url(obj), form_fields(page.text, f"{obj._meta.model_name}_form"))

    errors = response.context and response.context.get("errors")
    assert response.status_code == 302, f"{label(model)} refused its own form: {errors}"
    after = tracked_values(model_admin, request, obj)
    changed = {
        key: [name for name in before[""] if before[""][name] != after[""][name]] if key == "" else key
        for key in before
        if before[key] != after[key]
    }
    assert not changed, f"saving {label(model)} unchanged changed {changed}"


# --- An inline row added, then deleted, on every model with inlines --------------------------


def new_row(inline_model, parent) -> dict:
    """The fields of one new inline row of `inline_model` under `parent`."""
    key = label(inline_model)
    if key == "members.Membership":
        return {"role": "member", "started_on": "01/01/2026", "note": "Nhiệm kỳ mới"}
    if key == "polls.Choice":
        return {"text": "Lựa chọn mới", "order": "9"}
    if key == "meetings.AgendaItem":
        return {"title": "Mục chương trình mới", "order": "9"}
    if key == "meetings.Attendance":
        return {"member": str(MemberFactory(full_name="Khách mời mới").pk), "rsvp": "invited"}
    if key == "meetings.Document":
        return {"kind": "other", "title": "Tài liệu mới", "slug": "tai-lieu-moi", "file": pdf(), "order": "9"}
    if key == "meetings.Photo":
        return {"image": png(), "caption": "Ảnh mới", "credit": "Tổ giúp việc", "order": "9"}
    if key == "meetings.Recommendation":
        return {"title": "Kiến nghị mới", "status": "open", "body": "Nội dung", "order": "9"}
    if key == "meetings.FollowUp":
        earlier = Meeting.objects.create(
            title="Phiên họp trước", slug="phien-hop-truoc", year=2016, starts_at=parent.starts_at
        )
        recommendation = Recommendation.objects.create(meeting=earlier, title="Kiến nghị năm trước")
        return {"recommendation": str(recommendation.pk), "note": "Đã triển khai", "status": "resolved"}
    raise AssertionError(f"say here how to add a row of the inline {key}")


def inline_cases() -> list:
    return [
        pytest.param(model, inline_class.model, id=f"{label(model)}-{label(inline_class.model)}")
        for model, model_admin in admin.site._registry.items()
        for inline_class in model_admin.inlines
    ]


def parent_of(model):
    if label(model) == "polls.Poll":
        return poll_with_choices("Có", "Không")[0]  # the demo poll has votes: its choices are locked
    return model._default_manager.order_by("pk").first()


def prefix_of(page, inline_model) -> str:
    for formset in page.context["inline_admin_formsets"]:
        if formset.formset.model is inline_model:
            return formset.formset.prefix
    raise AssertionError(f"no inline of {label(inline_model)} on the page")


@pytest.mark.parametrize(("model", "inline_model"), inline_cases())
def test_an_inline_row_is_added_then_deleted(client, users, model, inline_model):
    parent = parent_of(model)
    user, request = editor_of(model, parent, users)
    client.force_login(user)
    inline = next(
        i
        for i in admin.site._registry[model].get_inline_instances(request, parent)
        if i.model is inline_model
    )
    if not inline.has_add_permission(request, parent):  # the notices' delivery list: read only
        assert not inline.has_delete_permission(request, parent) or not inline.can_delete
        return
    related = inline.get_formset(request, parent).fk.name
    rows = inline_model._default_manager.filter(**{related: parent})
    count = rows.count()

    page = client.get(change_url(parent))
    data = form_fields(page.text, f"{parent._meta.model_name}_form")
    prefix = prefix_of(page, inline_model)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data |= {f"{prefix}-{index}-{name}": value for name, value in new_row(inline_model, parent).items()}
    response = client.post(change_url(parent), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert rows.count() == count + 1
    added = rows.order_by("-pk").first()

    page = client.get(change_url(parent))
    data = form_fields(page.text, f"{parent._meta.model_name}_form")
    position = next(
        i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{i}-id"] == str(added.pk)
    )
    data[f"{prefix}-{position}-DELETE"] = "on"
    response = client.post(change_url(parent), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert rows.count() == count
    assert not inline_model._default_manager.filter(pk=added.pk).exists()


def test_a_meeting_saved_again_after_adding_several_photos_and_deleting_one(client, users):
    meeting = Meeting.objects.get(slug="hop-hoi-dong-giam-doc-cntt-nam-2017")
    client.force_login(users["secretariat"])
    page = client.get(change_url(meeting))
    data = form_fields(page.text, "meeting_form") | {"new_photos": [png("mot.png"), png("hai.png")]}
    assert client.post(change_url(meeting), data).status_code == 302
    assert meeting.photos.count() == 5

    page = client.get(change_url(meeting))
    data = form_fields(page.text, "meeting_form") | {"photos-0-DELETE": "on"}
    assert client.post(change_url(meeting), data).status_code == 302
    assert meeting.photos.count() == 4
    page = client.get(change_url(meeting))
    assert client.post(change_url(meeting), form_fields(page.text, "meeting_form")).status_code == 302


def test_file_validators_check_new_uploads_and_pass_stored_files(demo_site):
    from django.core.exceptions import ValidationError

    from council.shared.documents import validate_document
    from council.shared.uploads import validate_image
    from meetings.models import Document, Photo

    photo = Photo.objects.order_by("pk").first()
    document = Document.objects.order_by("pk").first()
    photo.full_clean()  # the stored files are not reopened (they were checked when they came)
    document.full_clean()

    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("gia.jpg", b"not an image", content_type="image/jpeg"))
    photo.image = SimpleUploadedFile("gia.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        photo.full_clean()
    document.file = SimpleUploadedFile("gia.pdf", b"<html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        document.full_clean()
    validate_document(pdf())
