import django_filters

from .models import Rotation, Shift


class ShiftFilter(django_filters.FilterSet):
    team = django_filters.CharFilter(field_name="team__slug")
    member = django_filters.NumberFilter(field_name="member_id")
    role = django_filters.ChoiceFilter(choices=Rotation.Role.choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    ends_before = django_filters.IsoDateTimeFilter(field_name="ends_at", lookup_expr="lte")

    class Meta:
        model = Shift
        fields = ["team", "member", "role", "starts_after", "ends_before"]
