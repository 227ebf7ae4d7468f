"""The caller's inbox: notifications/ and notifications/{id}/read/."""

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from supportops.errors import InvalidInput, NotFoundError
from supportops.keyset import capped_count
from supportops.pagination import capped_page_response, cursor_links, number_links, positive_param

from .inbox import COUNT_CAP, NEWEST_FIRST, inbox_page
from .models import Notification
from .services import notifications_mark_read

MAX_PAGE_SIZE = 500


class NotificationSerializer(serializers.ModelSerializer):
    inquiry = serializers.CharField(source="inquiry.reference", default=None)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "inquiry", "created_at", "read"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationListView(APIView):
    """Newest first in keyset pages (`notices.inbox`): `{"count", "count_capped", "next", "previous",
    "results"}`, `next`/`previous` with an opaque `cursor`, `count` exact up to 1,000; `?page=N` still
    works (an offset into the same order)."""

    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = Notification.objects.filter(recipient=request.user).select_related("inquiry")
        unread = request.query_params.get("unread")
        if unread in ("1", "true"):
            queryset = queryset.filter(read_at__isnull=True)
        size = positive_param(request, "page_size", settings.REST_FRAMEWORK["PAGE_SIZE"], MAX_PAGE_SIZE)
        url = request.build_absolute_uri()
        if "page" in request.query_params and "cursor" not in request.query_params:
            number = positive_param(request, "page", 1)
            start = (number - 1) * size
            rows = list(queryset.order_by(*NEWEST_FIRST)[start : start + size + 1])
            count, count_capped = capped_count(queryset, COUNT_CAP)
            links = number_links(url, number, len(rows) > size)
            rows = rows[:size]
        else:
            try:
                page = inbox_page(queryset, cursor=request.query_params.get("cursor") or None, size=size)
            except InvalidInput as exc:
                raise serializers.ValidationError({"cursor": [exc.message]}) from None
            rows, count, count_capped = page.rows, page.count, page.count_capped
            links = cursor_links(url, page.next_cursor, page.previous_cursor)
        return capped_page_response(count, count_capped, links, NotificationSerializer(rows, many=True).data)


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
