"""Parts of council/settings.py, one concern each, read from the environment.

council.settings stays the settings module (DJANGO_SETTINGS_MODULE): it
imports these and names every setting itself. Nothing here imports Django's
settings or any app.
"""
