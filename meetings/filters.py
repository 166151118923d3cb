"""Filters of the recommendations tracker (django-filter).

The page's URL names them in Vietnamese (`?tinh-trang=open&chu-de=...&phien-hop=...`);
a value that is not a status is ignored, as is an empty one.
"""

import django_filters

from .models import Recommendation


class RecommendationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Recommendation.Status.choices)
    topic = django_filters.CharFilter(strip=False)
    meeting = django_filters.CharFilter(field_name="meeting__slug", strip=False)

    # filter name -> URL parameter
    PARAMETERS = {"status": "tinh-trang", "topic": "chu-de", "meeting": "phien-hop"}

    def __init__(self, query, *args, **kwargs):
        """`query` is the request's GET: its Vietnamese parameter names are read as the filters'."""
        self.chosen = {name: query.get(parameter, "") for name, parameter in self.PARAMETERS.items()}
        super().__init__(self.chosen, *args, **kwargs)
