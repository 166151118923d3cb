# Fixtures of the meeting-notice tests (an SMTP server in-process, eager Celery).
from tests.meetings.notice_helpers import eager_celery, smtp_mailer, smtp_server  # noqa: F401
