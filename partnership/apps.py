from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "ASEAN–UN partnership"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import facets
        from .cache import connect_signals

        connect_signals()
        facets.connect_signals()
        # After the generation's receivers: on commit the generation moves on before the versions do.
        from .versions import connect_signals as connect_version_signals

        connect_version_signals()

        # Registers SQLite's partnership_unaccent() before any connection opens.
        from . import search  # noqa: F401
