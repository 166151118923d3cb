"""Link a member's browser to the member at sign-in.

Cached poll data needs no receiver here: a change of a poll, a choice or a
vote reaches the caches on the site's one invalidation path
(council.shared.shells.content_changed), and a vote cast gives its poll's
results a new version (services.cast_vote).
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services
from .voters import keys_of_browser


@receiver(user_logged_in, dispatch_uid="polls.link_guest_voter")
def link_guest_voter(sender, request, user, **kwargs) -> None:
    """A member signing in from a browser becomes one voter with it (see polls.voters)."""
    if request is None or not hasattr(request, "COOKIES"):
        return
    if keys := keys_of_browser(request):
        services.link_guest_voter(user=user, guest_keys=keys)
