"""Token endpoints: log in for a new token, list and revoke one's own tokens.

Tokens are django-rest-knox's: stored as a hash, one per login (per device),
with an optional expiry (settings.REST_KNOX). Failed logins are counted by
django-axes, which the authenticate() call below reports to; past the limit the
AxesMiddleware answers 429 (curation/security.py).
"""

from django.contrib.auth import authenticate, user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..services.tokens import token_issue, token_revoke
from .permissions import IsActiveUser


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it: never the key, only its first characters."""

    id = serializers.CharField(source="token_key", read_only=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry", "current"]

    def get_current(self, token) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, AuthToken) and auth.digest == token.digest


class NewTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    id = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class TokenView(APIView):
    """POST username and password for a new token; DELETE revokes the token sent
    (with a session: all of the user's tokens)."""

    def _logging_in(self) -> bool:
        # The schema generator asks without a request.
        request = getattr(self, "request", None)
        return request is not None and request.method == "POST"

    def get_permissions(self):
        return [AllowAny()] if self._logging_in() else [IsActiveUser()]

    def get_authenticators(self):
        # Logging in never depends on being logged in already (nor on CSRF).
        return [] if self._logging_in() else super().get_authenticators()

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: NewTokenSerializer,
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many failed logins: locked for a while."),
        },
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request, not DRF's: axes marks it when the login is locked out.
        http_request = request._request
        user = authenticate(http_request, **serializer.validated_data)
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": ["Unable to log in with provided credentials."]},
                code="authorization",
            )
        token, key = token_issue(user=user)
        user_logged_in.send(sender=type(user), request=http_request, user=user)
        return Response({"token": key, "id": token.token_key, "expiry": token.expiry})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        auth = request.auth
        key_prefix = auth.token_key if isinstance(auth, AuthToken) else None
        token_revoke(user=request.user, key_prefix=key_prefix)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """GET the caller's own tokens (never their keys)."""

    permission_classes = [IsActiveUser]

    @extend_schema(responses={200: TokenSerializer(many=True)})
    def get(self, request):
        tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
        return Response(TokenSerializer(tokens, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    """DELETE one of the caller's own tokens by its id; anyone else's answers 404."""

    permission_classes = [IsActiveUser]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, token_id: str):
        if not token_revoke(user=request.user, key_prefix=token_id):
            raise NotFound("No such token.")
        return Response(status=status.HTTP_204_NO_CONTENT)
