"""Public pages of the members app."""

from django.views.generic import DetailView, TemplateView

from .models import Member


class MemberListView(TemplateView):
    template_name = "members/member_list.html"


class MemberDetailView(DetailView):
    queryset = Member.objects.select_related("organisation__province")
    template_name = "members/member_detail.html"
