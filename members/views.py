"""Public pages of the members app."""

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView

from council.shared.shells import ShellCachedMixin

from .models import Member, Membership, Province

# The order the council is presented in.
ROLE_ORDER = Case(
    *[When(role=role, then=Value(index)) for index, role in enumerate(Membership.Role.values)],
    output_field=IntegerField(),
)


class MemberListView(ShellCachedMixin, ListView):
    """The current council, grouped by role, optionally for one province."""

    template_name = "members/member_list.html"
    context_object_name = "memberships"
    shell_params = ("tinh",)

    def get_queryset(self):
        memberships = (
            Membership.objects.current()
            .select_related("member__organisation__province")
            .annotate(role_order=ROLE_ORDER)
            .order_by("role_order", "member__full_name")
        )
        if self.province:
            memberships = memberships.filter(
                Q(member__organisation__province=self.province)
                | Q(member__organisation__province__successor=self.province)
            )
        return memberships

    def get(self, request, *args, **kwargs):
        slug = request.GET.get("tinh")
        self.province = get_object_or_404(Province, slug=slug) if slug else None
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups: dict[str, list[Membership]] = {}
        for membership in context["memberships"]:
            groups.setdefault(membership.role, []).append(membership)
        labels = dict(Membership.Role.choices)
        context["groups"] = [(labels[role], items) for role, items in groups.items()]
        context["provinces"] = Province.objects.current()
        context["province"] = self.province
        return context


class FormerMemberListView(ShellCachedMixin, ListView):
    """People who served on the council and hold no role today."""

    template_name = "members/member_former.html"
    context_object_name = "members"

    def get_queryset(self):
        return (
            Member.objects.former()
            .select_related("organisation__province")
            .prefetch_related(Prefetch("memberships", queryset=Membership.objects.order_by("started_on")))
            .order_by("full_name")
        )


class MemberDetailView(ShellCachedMixin, DetailView):
    """A member's page: biography, roles over time, meetings attended.

    The meetings are another app's: the template asks meetings for them
    (`{% meetings_attended member %}`), so this app knows nothing of them.
    """

    template_name = "members/member_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        return Member.objects.select_related("organisation__province__successor").prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.order_by("-started_on"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context
