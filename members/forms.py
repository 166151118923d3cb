"""Forms of the members app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from council.shared.kept_uploads import KeptFileInput, UploadLimits
from council.shared.uploads import clean_image_field

from .models import Member

MAX_CSV_BYTES = 2 * 1024 * 1024


class MemberAdminForm(forms.ModelForm):
    """The member form of the admin: photos are checked and re-encoded."""

    class Meta:
        model = Member
        fields = [
            "full_name",
            "slug",
            "position",
            "organisation",
            "photo",
            "bio",
            "email",
            "phone",
            "public_contact",
            "receives_notices",
            "user",
        ]

    def clean_photo(self):
        return clean_image_field(self.cleaned_data.get("photo"))


class MemberImportForm(forms.Form):
    """Upload of a CSV file of members."""

    file = forms.FileField(
        label=_("Tệp CSV"),
        widget=KeptFileInput(
            limits=UploadLimits(max_bytes=MAX_CSV_BYTES, accept=".csv,text/csv", kinds=_("Tệp CSV")),
            keep=False,  # a file with bad rows is corrected and chosen again
        ),
        help_text=_(
            "UTF-8, dòng đầu là tên cột: full_name, email, phone, position, organisation, "
            "province, role (chair, vice_chair, member, secretariat), started_on (dd/mm/yyyy)."
        ),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa 2 MB."))
        return upload.read()
