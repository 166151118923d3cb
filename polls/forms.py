"""The vote form: one of this poll's choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Choice, Poll


class VoteForm(forms.Form):
    choice = forms.ModelChoiceField(
        queryset=Choice.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn một phương án trước khi bình chọn."),
            "invalid_choice": _("Phương án đã chọn không thuộc cuộc thăm dò này."),
        },
    )

    def __init__(self, *args, poll: Poll, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this poll's choices validate: another poll's choice id is refused here.
        self.fields["choice"].queryset = poll.choices.all()
