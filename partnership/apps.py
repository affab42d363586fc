from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "ASEAN–UN partnership"
    default_auto_field = "django.db.models.BigAutoField"
