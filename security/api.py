"""API of the security app: API tokens (issue, revoke) and requester erasure."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shifts.selectors import team_get_for_user, teams_for_user, user_manages

from .erasure import requester_erase
from .tokens import token_expires_at, token_issue, token_revoke
from .views import lockout_response


class AuthTokenSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


TokenOut = inline_serializer(
    "ApiToken", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
)


class TokenView(APIView):
    """POST: a token for username and password (failures count towards the login lockout, like the sign-in
    form). DELETE: revoke the token of the signed-in user."""

    permission_classes = [AllowAny]

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenOut})
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Axes reads and flags the Django request; DRF's wrapper would keep the flags to itself.
        django_request = request._request
        credentials = get_credentials(data["username"])
        if not AxesProxyHandler.is_allowed(django_request, credentials):
            return lockout_response(django_request)
        user = authenticate(request=django_request, username=data["username"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        if user is None or not user.is_active:
            raise serializers.ValidationError("Unable to log in with provided credentials.")
        token = token_issue(user=user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated("Sign in, or send your token, to revoke it.")
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EraseRequesterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    all_teams = serializers.BooleanField(
        default=False, help_text="Erase in every team you manage, not only this one."
    )


class EraseRequesterView(APIView):
    """POST: anonymise one requester (by email address) in this team, or in every team you manage."""

    @extend_schema(
        request=EraseRequesterSerializer,
        responses=inline_serializer("RequesterErased", {"erased": serializers.DictField()}),
    )
    def post(self, request: Request, slug: str) -> Response:
        team = team_get_for_user(user=request.user, slug=slug)
        if not user_manages(user=request.user, team=team):
            raise PermissionDenied(f"Only managers of {team.name} can erase a requester.")
        serializer = EraseRequesterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        teams = [team]
        if serializer.validated_data["all_teams"]:
            teams = [t for t in teams_for_user(user=request.user) if user_manages(user=request.user, team=t)]
        counts = requester_erase(email=serializer.validated_data["email"], teams=teams, actor=request.user)
        return Response({"erased": counts})
