from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from council import demo


class Command(BaseCommand):
    help = "Build the demo site (the council's 2017 meeting). Safe to run again."

    def handle(self, *args, **options) -> None:
        demo.load_all(stdout=self.stdout)
        # A first version of every row made here, so that one deleted before its first save
        # in the admin can still be recovered. Rows that have a version already are skipped.
        call_command("createinitialrevisions", comment=_("Bản đầu tiên"), verbosity=0)
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
