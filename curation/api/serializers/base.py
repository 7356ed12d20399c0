"""Fields and mixins every resource's serializers share."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

User = get_user_model()


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "username")
        if kwargs.get("read_only"):
            # Reviewers are unset until a decision, and deleted users leave null.
            kwargs.setdefault("allow_null", True)
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # PostgreSQL cannot even compare text with NUL in it: refuse it as input (400).
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class FrozenOnUpdate:
    """Fields an existing object keeps (its project, its user…) are read-only on update.

    DRF ignores Meta.read_only_fields for explicitly declared fields, so they are
    frozen here instead: a PUT of the unchanged representation succeeds, and a
    changed value is ignored rather than required.
    """

    frozen_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        for name in self.frozen_fields:
            if name in fields:
                fields[name].read_only = True
                fields[name].required = False
        return fields
