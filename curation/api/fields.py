from rest_framework import serializers

from ..choices import Role


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference that only resolves to objects the requesting user can see.

    Another project's id is indistinguishable from a missing one: "Invalid pk".
    """

    def __init__(self, *args, minimum_role: Role = Role.VIEWER, **kwargs):
        self.minimum_role = minimum_role
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.visible_to(self.context["request"].user, self.minimum_role)
