"""The vote form: one of this poll's choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Poll


class VoteForm(forms.Form):
    choice = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn một phương án trước khi bình chọn."),
            "invalid_choice": _("Phương án đã chọn không thuộc cuộc thăm dò này."),
        },
    )

    def __init__(self, *args, poll: Poll, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this poll's choices validate: another poll's choice id is refused
        # here. Read from the prefetched choices, so validating costs no query.
        self.choices_by_id = {choice.pk: choice for choice in poll.choices.all()}
        self.fields["choice"].choices = [(pk, choice.text) for pk, choice in self.choices_by_id.items()]

    def clean_choice(self):
        return self.choices_by_id[self.cleaned_data["choice"]]
