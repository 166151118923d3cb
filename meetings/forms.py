"""Admin forms of the meetings app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from council.shared.kept_uploads import IMAGE_LIMITS, KeptMultipleFileInput
from council.shared.translated import fields_of
from council.shared.uploads import clean_image_field, validate_image

from .models import Meeting, Photo


class MultipleImageField(forms.FileField):
    """Several images in one field; each one is checked."""

    def __init__(self, **kwargs):
        super().__init__(widget=KeptMultipleFileInput(limits=IMAGE_LIMITS), **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        for upload in files:
            try:
                validate_image(upload)
            except ValidationError as error:
                raise ValidationError(f"{upload.name}: {' '.join(error.messages)}") from error
        return files


class MeetingAdminForm(forms.ModelForm):
    """The meeting form, with a field to upload several photos at once."""

    new_photos = MultipleImageField(
        label=_("Thêm nhiều ảnh"),
        required=False,
        help_text=_("Chọn một hoặc nhiều ảnh; sắp xếp lại ở bảng ảnh bên dưới."),
    )
    new_photos_credit = forms.CharField(label=_("Nguồn của các ảnh này"), required=False, max_length=200)

    class Meta:
        model = Meeting
        fields = [
            *fields_of("title"),
            "slug",
            "year",
            "status",
            "starts_at",
            "ends_at",
            "host_province",
            "venue",
            "chair",
            "next_host",
            *fields_of("summary"),
            "body",
        ]


class PhotoInlineForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "order"]

    def clean_image(self):
        return clean_image_field(self.cleaned_data.get("image"))
