from django.core.management.base import BaseCommand

from council import demo


class Command(BaseCommand):
    help = "Build the demo site (the council's 2017 meeting). Safe to run again."

    def handle(self, *args, **options) -> None:
        demo.load_all(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
