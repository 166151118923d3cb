"""The admin app, with the council's own admin site (two-factor sign-in for staff).

Listed in INSTALLED_APPS in place of "django.contrib.admin". The site is named as a
string: this module is imported while apps load, before any model can be.
"""

from django.contrib.admin.apps import AdminConfig


class CouncilAdminConfig(AdminConfig):
    default_site = "council.two_factor.CouncilAdminSite"
