# Fixtures of the meeting-notice tests: an SMTP server in this process.
from tests.meetings.notice_helpers import smtp_mailer, smtp_server  # noqa: F401
