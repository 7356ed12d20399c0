from rest_framework.permissions import BasePermission


class IsActiveUser(BasePermission):
    """Authenticated and active; what a user may do inside a project is the
    services' decision (their role), and what they may see is `visible_to`."""

    message = "Authentication credentials were not provided or the account is inactive."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)
