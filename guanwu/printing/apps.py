from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "guanwu.printing"
    label = "printing"
    verbose_name = _("印刷版")
    default_auto_field = "django.db.models.BigAutoField"
