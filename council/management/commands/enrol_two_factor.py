"""Enrol a staff account for two-factor sign-in: an authenticator app and recovery codes."""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from council.two_factor import needs_second_factor

RECOVERY_CODES = 10


class Command(BaseCommand):
    help = (
        "Gives USERNAME a new authenticator-app key and new recovery codes, replacing any "
        "earlier ones, and prints them once (the link can be opened or turned into a QR code)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--recovery-only",
            action="store_true",
            help="Only replace the recovery codes; keep the authenticator app.",
        )

    @transaction.atomic
    def handle(self, *args, username: str, recovery_only: bool, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No account named {username!r}.") from error
        if not recovery_only:
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)
            self.stdout.write("Authenticator app (scan or open this link, or type the key):")
            self.stdout.write(f"  {device.config_url}")
            self.stdout.write(f"  key: {b32encode(device.bin_key).decode()}")
        elif not TOTPDevice.objects.filter(user=user).exists():
            raise CommandError(f"{username} has no authenticator app yet: run without --recovery-only.")
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="Mã dự phòng", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
        self.stdout.write("Recovery codes (each works once; keep them apart from the phone):")
        for code in codes:
            self.stdout.write(f"  {code}")
        if not needs_second_factor(user):
            self.stdout.write(
                self.style.WARNING(
                    f"{username} is neither a superuser nor in the secretariat: the admin does not ask them for a code."
                )
            )
