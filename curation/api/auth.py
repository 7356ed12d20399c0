"""Token authentication endpoints: obtain (throttled) and revoke."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .permissions import IsActiveUser

TokenResponse = inline_serializer("TokenResponse", {"token": serializers.CharField()})


class TokenView(APIView):
    """POST username and password for a token; DELETE (authenticated) revokes it."""

    throttle_scope = "login"
    serializer_class = AuthTokenSerializer

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsActiveUser()]

    def get_throttles(self):
        # Only password attempts are throttled; revoking is not a guessing vector.
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenResponse})
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
