from rest_framework import serializers

from ..choices import Role


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference that only resolves to objects the requesting user can see.

    Another project's id is indistinguishable from a missing one: "Invalid pk".
    """

    def __init__(self, *args, minimum_role: Role = Role.VIEWER, **kwargs):
        self.minimum_role = minimum_role
        self._preloaded = {}
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.visible_to(self.context["request"].user, self.minimum_role)

    def preload(self, values) -> None:
        """Look the ids among `values` up in one query, for a list of items that
        one serializer then validates one by one (a bulk POST)."""
        ids = {value for value in values if type(value) is int}
        self._preloaded = self.get_queryset().in_bulk(ids) if ids else {}

    def to_internal_value(self, data):
        found = self._preloaded.get(data) if type(data) is int else None
        # Anything else (a missing or foreign id, "12", 1.0) takes the usual path.
        return found if found is not None else super().to_internal_value(data)
