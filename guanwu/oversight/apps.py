from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "guanwu.oversight"
    label = "oversight"
    verbose_name = _("督办落实")
    default_auto_field = "django.db.models.BigAutoField"
