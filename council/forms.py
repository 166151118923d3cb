"""The public "Liên hệ – Góp ý" form, with its spam checks (no third-party service)."""

import math
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting

from .models import Article

STAMP_SALT = "council.feedback.started"
ARTICLES_OFFERED = 30


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=STAMP_SALT)


def fresh_stamp(*, shown_at: float | None = None) -> str:
    """When the form was shown, and a random part naming this one showing, signed.

    The time gives the minimum fill time and the form's age; the whole is the key of the
    message sent with it, so that one form sent twice (a double click) is kept once.
    """
    return _signer().sign(f"{time.time() if shown_at is None else shown_at:.3f}:{secrets.token_hex(8)}")


def topic_choices() -> list:
    """The optional topic: public meetings and the latest articles, grouped."""
    meetings = [(f"meeting-{pk}", title) for pk, title in Meeting.objects.public().values_list("pk", "title")]
    articles = [
        (f"article-{pk}", title)
        for pk, title in Article.objects.public().values_list("pk", "title")[:ARTICLES_OFFERED]
    ]
    choices = [("", _("Không chọn"))]
    if meetings:
        choices.append((_("Phiên họp"), meetings))
    if articles:
        choices.append((_("Bài viết"), articles))
    return choices


class FeedbackForm(forms.Form):
    name = forms.CharField(label=_("Họ và tên"), max_length=120)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        help_text=_("Câu trả lời được gửi đến địa chỉ này; địa chỉ không được công bố."),
        error_messages={"invalid": _("Địa chỉ thư điện tử chưa đúng, ví dụ đúng: ten@example.vn.")},
    )
    subject = forms.CharField(label=_("Tiêu đề"), max_length=200)
    topic = forms.ChoiceField(label=_("Về phiên họp hoặc bài viết (không bắt buộc)"), required=False)
    message = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 8}))
    # The honeypot: hidden from people (and from screen readers), filled by robots.
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.FEEDBACK_MAX_CHARS
        message = self.fields["message"]
        message.widget.attrs["maxlength"] = str(limit)
        message.help_text = _("Tối đa %(limit)d ký tự.") % {"limit": limit}
        message.validators.append(
            MaxLengthValidator(
                limit,
                message=_(
                    "Nội dung dài %(show_value)d ký tự, quá giới hạn %(limit_value)d ký tự: "
                    "xin rút gọn hoặc gửi thành nhiều lần."
                ),
            )
        )
        for field in self.fields.values():
            field.error_messages["required"] = _("Vui lòng điền ô này.")
        self.fields["topic"].choices = topic_choices()
        self.stamp_usable = True  # False: the page must carry a fresh stamp when shown again

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                _(
                    "Góp ý chưa được gửi: ô “Để trống ô này” (dành để nhận ra thư rác tự động) "
                    "đã được điền. Xin xóa nội dung ô đó rồi gửi lại."
                )
            )
        return ""

    def clean_started(self) -> str:
        stamp = self.cleaned_data["started"]
        try:
            shown = _signer().unsign(stamp, max_age=settings.FEEDBACK_MAX_AGE_SECONDS)
            shown_at = float(shown.partition(":")[0])
        except signing.SignatureExpired as error:
            self.stamp_usable = False
            raise forms.ValidationError(
                _(
                    "Trang góp ý đã mở quá lâu nên chưa gửi được. Nội dung bạn viết vẫn còn "
                    "dưới đây: xin bấm “Gửi góp ý” lần nữa."
                )
            ) from error
        except (signing.BadSignature, ValueError) as error:
            self.stamp_usable = False
            raise forms.ValidationError(
                _("Biểu mẫu không hợp lệ (có thể trang đã bị sửa). Xin bấm “Gửi góp ý” lần nữa.")
            ) from error
        wait = settings.FEEDBACK_MIN_SECONDS - (time.time() - shown_at)
        if wait > 0:
            raise forms.ValidationError(
                _(
                    "Góp ý được gửi quá nhanh sau khi mở trang, như thư rác tự động. Xin kiểm tra "
                    "nội dung và bấm “Gửi góp ý” lần nữa sau %(seconds)d giây."
                )
                % {"seconds": max(1, math.ceil(wait))}
            )
        return shown  # this showing of the form: the message's key (see submit_feedback)

    def clean_topic(self) -> tuple[str, int] | None:
        topic = self.cleaned_data["topic"]
        if not topic:
            return None
        kind, _dash, pk = topic.partition("-")
        return kind, int(pk)
