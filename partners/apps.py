from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from . import audit  # noqa: F401  registers models with auditlog
