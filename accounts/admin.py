from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import AuditEvent, Desk, Partner, Profile
from accounts.permissions import role_of
from core.admin import ReadOnlyAdminMixin

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"
    verbose_name_plural = _("rôle et périmètre")
    fields = ("role", "partner", "desk", "sector", "arrondissements")
    filter_horizontal = ("arrondissements",)
    autocomplete_fields = ("partner", "desk")


admin.site.unregister(User)


@admin.register(User)
class CppsUserAdmin(UserAdmin):
    """Accounts with their role and scope; staff and superuser status follow the role
    (Profile.save), so they are shown but not edited here."""

    inlines = [ProfileInline]
    list_display = ("username", "email", "first_name", "last_name", "profile_role", "is_active")
    list_filter = ("is_active", "is_superuser", "profile__role", "profile__partner")
    list_select_related = ("profile",)

    @admin.display(description=_("rôle"), ordering="profile__role")
    def profile_role(self, user):
        return user.profile.get_role_display() if hasattr(user, "profile") else ""

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "is_staff", "is_superuser")


class DeskInline(admin.TabularInline):
    model = Desk
    fields = ("code", "name", "email", "is_active")
    extra = 0
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "is_signatory")
    list_filter = ("kind", "is_signatory")
    search_fields = ("name", "code")
    inlines = [DeskInline]


@admin.register(Desk)
class DeskAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "partner", "email", "is_active")
    list_filter = ("partner", "is_active")
    search_fields = ("name", "code", "email")
    filter_horizontal = ("arrondissements",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, and for administrators only: the trail is never edited."""

    list_display = (
        "at",
        "actor_username",
        "actor_role",
        "action",
        "target_type",
        "target_reference",
        "ip_address",
    )
    list_filter = ("action", "actor_role", "at")
    search_fields = ("actor_username", "target_reference", "target_id", "ip_address")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        return role_of(request.user) == Role.ADMINISTRATOR
