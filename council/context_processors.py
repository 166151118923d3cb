"""Values every public template needs."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """The council's name and contact details, for the header and footer."""
    return {
        "SITE_URL": settings.SITE_URL,
        "COUNCIL_CONTACT_EMAIL": settings.COUNCIL_CONTACT_EMAIL,
        "COUNCIL_CONTACT_PHONE": settings.COUNCIL_CONTACT_PHONE,
        "COUNCIL_CONTACT_ADDRESS": settings.COUNCIL_CONTACT_ADDRESS,
    }
