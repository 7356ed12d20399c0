from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Curation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models import Field, ForeignObject

        from . import checks  # noqa: F401 (registers the deploy checks)
        from .lookups import AnyOf

        # Foreign keys take only the lookups registered on them or their bases
        # up to ForeignObject, not Field's.
        for field_class in (Field, ForeignObject):
            field_class.register_lookup(AnyOf)
