"""Two-factor sign-in to the admin for those who can change the site.

Superusers and members of the secretariat group ("Tổ giúp việc") sign in to the admin
with their password and a one-time code: six digits from an authenticator app (TOTP,
RFC 6238, django-otp's TOTPDevice) or one of their recovery codes (django-otp's
StaticDevice; each works once). Other staff and council members who only vote are not
asked. Devices are enrolled with `manage.py enrol_two_factor USERNAME`.

A wrong code counts as a failed login for django-axes (same username and address), on
top of django-otp's own growing delay on the device after each failure.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .shared.permissions import SECRETARIAT_GROUP


def needs_second_factor(user) -> bool:
    """Whether this account must give a one-time code to use the admin."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=SECRETARIAT_GROUP).exists()


def verify_code(user, code: str):
    """The device of `user` that accepts `code` (and uses it up), or None.

    Digits are an authenticator app's code; letters and digits a recovery code. Only
    confirmed devices count; a throttled device (too many recent failures) accepts nothing.
    """
    code = "".join(code.split()).lower()
    model = TOTPDevice if code.isdigit() else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        allowed, _extra = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


class TwoFactorLoginForm(AdminAuthenticationForm):
    """The admin's login form with a field for the one-time code."""

    otp_token = forms.CharField(
        label=_("Mã xác thực"),
        required=False,
        max_length=16,
        help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng (mỗi mã dùng một lần)."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_required": _("Tài khoản này cần mã xác thực: nhập 6 chữ số trong ứng dụng xác thực."),
        "code_invalid": _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng thử lại."),
        "not_enrolled": _(
            "Tài khoản này chưa đăng ký ứng dụng xác thực. Xin liên hệ quản trị viên để được cấp."
        ),
    }

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not needs_second_factor(user):
            return cleaned
        code = cleaned.get("otp_token", "")
        if not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            raise forms.ValidationError(self.error_messages["not_enrolled"], code="not_enrolled")
        if not code:
            raise forms.ValidationError(self.error_messages["code_required"], code="code_required")
        device = verify_code(user, code)
        if device is None:
            user_login_failed.send(
                sender=__name__, credentials={"username": cleaned.get("username")}, request=self.request
            )
            raise forms.ValidationError(self.error_messages["code_invalid"], code="code_invalid")
        # django-otp marks the session verified with this device when the login completes.
        user.otp_device = device
        return cleaned


class CouncilAdminSite(admin.AdminSite):
    """The admin site: Vietnamese titles are set in urls.py; staff who must, verified."""

    login_form = TwoFactorLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not needs_second_factor(request.user) or request.user.is_verified()
