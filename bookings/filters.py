import django_filters

from .models import Booking


class SessionFilter(django_filters.FilterSet):
    team = django_filters.CharFilter(field_name="team__slug")
    host = django_filters.NumberFilter(field_name="host_id")
    status = django_filters.ChoiceFilter(choices=Booking.Status.choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")

    class Meta:
        model = Booking
        fields = ["team", "host", "status", "starts_after"]
