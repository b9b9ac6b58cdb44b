"""Admin behaviour shared by the apps."""


class ReadOnlyAdminMixin:
    """For records that only the application writes (the audit trail, photo metadata): the
    admin shows them and never adds, changes or deletes one."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
