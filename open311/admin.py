from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from open311 import keys
from open311.models import ApiKey, RequestAttributes, ServiceAttribute, ServiceSettings


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "rate_limit_per_minute"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        try:
            keys.validate_name(name)
        except keys.ApiKeyError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return name


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    add_form = ApiKeyForm
    list_display = [
        "name",
        "prefix",
        "rate_limit_per_minute",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "rate_limit_per_minute"]
        return [
            "name",
            "prefix",
            "rate_limit_per_minute",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "name"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created, raw = keys.create_key(obj.name, obj.rate_limit_per_minute, actor=request.user)
        obj.pk = created.pk
        # The only time the secret is shown: only its SHA-256 is stored.
        self.message_user(
            request,
            _(
                "Clé créée pour « %(name)s ». Copiez-la maintenant, elle ne sera plus "
                "affichée : %(key)s"
            )
            % {"name": obj.name, "key": raw},
            messages.WARNING,
        )

    @admin.action(description=_("Révoquer les clés sélectionnées"))
    def revoke(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            keys.revoke_key(key.name, actor=request.user)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(n)d clé révoquée.", "%(n)d clés révoquées.", revoked) % {"n": revoked},
        )

    def has_delete_permission(self, request, obj=None):
        # A key is revoked, never deleted: the requests it filed keep their client.
        return False


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["category", "code", "datatype", "required", "variable", "order"]
    list_filter = ["datatype", "required", "category__family"]
    search_fields = ["code", "description", "category__label"]
    list_select_related = ["category"]


@admin.register(ServiceSettings)
class ServiceSettingsAdmin(admin.ModelAdmin):
    list_display = ["category", "keywords", "publish_requests"]
    list_filter = ["publish_requests", "category__family"]
    list_editable = ["publish_requests"]
    search_fields = ["category__label", "keywords"]
    list_select_related = ["category"]


@admin.register(RequestAttributes)
class RequestAttributesAdmin(admin.ModelAdmin):
    """Read-only: the answers belong to the complaint; they may hold free text."""

    list_display = ["complaint", "api_key", "created_at"]
    list_filter = ["api_key"]
    search_fields = ["complaint__reference"]
    readonly_fields = ["complaint", "api_key", "values", "address_id", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
