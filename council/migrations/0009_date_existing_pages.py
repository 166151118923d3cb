from django.db import migrations


def date_existing_pages(apps, schema_editor):
    """Pages saved before their dates were kept count as changed now."""
    FlatPage = apps.get_model("flatpages", "FlatPage")
    PageDates = apps.get_model("council", "PageDates")
    PageDates.objects.bulk_create(
        [PageDates(page_id=pk) for pk in FlatPage.objects.values_list("pk", flat=True)], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("council", "0008_page_dates")]

    operations = [migrations.RunPython(date_existing_pages, migrations.RunPython.noop)]
