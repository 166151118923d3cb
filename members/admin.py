from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Member, Membership, Organisation, Province, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    pass


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "order", "ended_on", "successor"]
    list_select_related = ["successor"]
    list_filter = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "province"]
    list_select_related = ["province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "short_name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["full_name", "organisation__name", "email"]
    autocomplete_fields = ["organisation", "user"]
    prepopulated_fields = {"slug": ["full_name"]}
    inlines = [MembershipInline]
