from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Invitation, Membership, Organisation, Partnership, PartnershipLink, Seat, User


@admin.register(User)
class SVDUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("SVD", {"fields": ("preferred_language", "is_demo")}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector"]
    list_filter = ["sector"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "nation", "suppression_threshold"]
    list_filter = ["kind", "nation"]
    inlines = [SeatInline]


admin.site.register(PartnershipLink)
admin.site.register(Membership)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "seat", "expires_at", "accepted_at", "revoked_at"]
    exclude = ["token_hash"]
