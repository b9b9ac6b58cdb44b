"""The admin site carries the project's name, not Django's."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("cpps — administration")
admin.site.site_title = "cpps"
admin.site.index_title = _("Référentiels, comptes et journal")
