"""Public pages of the members app."""

from django.views.generic import TemplateView


class MemberListView(TemplateView):
    template_name = "members/member_list.html"
