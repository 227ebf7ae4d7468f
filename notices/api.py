"""The caller's inbox: notifications/ and notifications/{id}/read/."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from supportops.errors import NotFoundError
from supportops.pagination import paginate

from .models import Notification
from .services import notifications_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    inquiry = serializers.CharField(source="inquiry.reference", default=None)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "inquiry", "created_at", "read"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationListView(APIView):
    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = Notification.objects.filter(recipient=request.user).select_related("inquiry")
        unread = request.query_params.get("unread")
        if unread in ("1", "true"):
            queryset = queryset.filter(read_at__isnull=True)
        return paginate(request, queryset, NotificationSerializer, view=self)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        notifications_mark_read(user=request.user, notification_id=pk)
        notification = (
            Notification.objects.filter(pk=pk, recipient=request.user).select_related("inquiry").first()
        )
        if notification is None:
            raise NotFoundError(f"No notification {pk} in your inbox.")
        return Response(NotificationSerializer(notification).data)


urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/<int:pk>/read/", NotificationReadView.as_view(), name="api-notification-read"),
]
