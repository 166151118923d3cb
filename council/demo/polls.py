"""The poll the council's old site showed in its sidebar, with its 16 votes."""

import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from polls import caching, services
from polls.models import Choice, Poll, Vote

QUESTION = "Ý kiến về Website HĐGĐCNTT?"
# As the 2017 page showed them: 7, 4 and 5 of 16 votes (44 %, 25 %, 31 %).
CHOICES = [("Đạt yêu cầu", 7), ("Chưa đạt yêu cầu", 4), ("Cần thêm chủ đề", 5)]


def load() -> None:
    poll, _ = Poll.objects.update_or_create(
        slug="y-kien-ve-website-hdgdcntt",
        defaults={
            "question": QUESTION,
            "opens_at": timezone.make_aware(datetime.datetime(2017, 8, 1, 8, 0)),
            "closes_at": None,
            "audience": Poll.Audience.EVERYONE,
            "results_shown": Poll.ResultsShown.ALWAYS,
        },
    )
    services.feature_poll(poll=poll)
    number = 0
    for order, (text, votes) in enumerate(CHOICES, start=1):
        choice, _ = Choice.objects.update_or_create(poll=poll, text=text, defaults={"order": order})
        for _vote in range(votes):
            number += 1
            Vote.objects.update_or_create(
                poll=poll, voter_key=f"demo:{number:02d}", defaults={"choice": choice}
            )
    transaction.on_commit(partial(caching.forget_results, poll.pk))
