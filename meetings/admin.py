from . import notice_admin  # noqa: F401  registers NoticeAdmin and DeliveryAdmin
