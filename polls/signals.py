"""Forget cached poll data when the secretariat edits a poll, its choices or votes;
link a member's browser to the member at sign-in.

Votes cast through services.cast_vote() forget the results themselves; these
receivers cover the admin and the shell.
"""

from functools import partial

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import caching, services
from .models import Choice, Poll, Vote
from .voters import keys_of_browser


def _forget(poll_id: int) -> None:
    transaction.on_commit(caching.forget_featured_poll)
    transaction.on_commit(partial(caching.forget_results, poll_id))


@receiver([post_save, post_delete], sender=Poll, dispatch_uid="polls.poll_changed")
def poll_changed(sender, instance: Poll, **kwargs) -> None:
    _forget(instance.pk)


@receiver([post_save, post_delete], sender=Choice, dispatch_uid="polls.choice_changed")
def choice_changed(sender, instance: Choice, **kwargs) -> None:
    _forget(instance.poll_id)


@receiver(post_delete, sender=Vote, dispatch_uid="polls.vote_deleted")
def vote_deleted(sender, instance: Vote, **kwargs) -> None:
    transaction.on_commit(partial(caching.forget_results, instance.poll_id))


@receiver(user_logged_in, dispatch_uid="polls.link_guest_voter")
def link_guest_voter(sender, request, user, **kwargs) -> None:
    """A member signing in from a browser becomes one voter with it (see polls.voters)."""
    if request is None or not hasattr(request, "COOKIES"):
        return
    if keys := keys_of_browser(request):
        services.link_guest_voter(user=user, guest_keys=keys)
