"""The Celery app. Configuration is read from Django's settings (CELERY_*)."""

import os

from celery import Celery

from .logs import log_task_outcomes

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")

app = Celery("council")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# One log line per task outcome (success, retry, failure) on "council.tasks".
log_task_outcomes()
