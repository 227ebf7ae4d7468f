"""Output serializers that render a page of rows without DRF's per-field machinery.

DRF's `Serializer.to_representation` costs ~0.1–0.2 ms per inquiry (34 fields, each through
`get_attribute`, `is_simple_callable`, the field's time zone lookup…): a page of 50 took ~5–10 ms, as
much as the page's queries. `PlainOutput` plans the fields once per serializer (attribute path and a
converter) and renders each row in one loop, with DRF's own code wherever a field is not plain, so the
result is the same dict (`tests/test_plain_output.py` compares the two)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from rest_framework import ISO_8601, fields
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

# An aware datetime in the current time zone, ISO 8601 with "Z" for UTC (DateTimeField's default).
DATETIME = "datetime"


def _converter(field: fields.Field) -> Callable[[Any], Any] | str:
    """What `field.to_representation` gives for a non-None value: a plain conversion for the common
    field classes, the field's own method otherwise."""
    method = type(field).to_representation
    if method is fields.CharField.to_representation:
        return str
    if method is fields.IntegerField.to_representation:
        return int
    if method is fields.BooleanField.to_representation:
        return lambda value: value if value is True or value is False else field.to_representation(value)
    if (
        method is fields.DateTimeField.to_representation
        and not hasattr(field, "timezone")
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
    ):
        return DATETIME
    if (
        method is fields.DateField.to_representation
        and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601
    ):
        return lambda value: value.isoformat() if type(value) is dt.date else field.to_representation(value)
    return field.to_representation


class PlainOutput:
    """Mixin for an output (Model)Serializer, first in its bases: DRF's representation, from a plan made
    once per serializer instance (a list's child renders every row of the page)."""

    def _plan(self) -> list[tuple[fields.Field, str, tuple[str, ...] | None, Any]]:
        plan = self.__dict__.get("_plain_plan")
        if plan is None:
            plan = []
            for field in self._readable_fields:
                # A plain attribute path unless the field reads its value its own way (relations, method
                # fields, source="*").
                plain = type(field).get_attribute is fields.Field.get_attribute and field.source_attrs
                attrs = tuple(field.source_attrs) if plain else None
                plan.append((field, field.field_name, attrs, _converter(field)))
            self.__dict__["_plain_plan"] = plan
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        ret: dict[str, Any] = {}
        for field, name, attrs, convert in self._plan():
            if attrs is None:
                value = _drf_value(field, instance)
            else:
                value = instance
                try:
                    for attr in attrs:
                        value = getattr(value, attr)
                except (AttributeError, KeyError, ObjectDoesNotExist):
                    # A missing or null link on the way (`topic.name` without a topic): DRF's defaults.
                    value = _drf_value(field, instance)
                else:
                    if callable(value):
                        value = _drf_value(field, instance)
                    elif value is None:
                        pass
                    elif convert is DATETIME:
                        value = _datetime(field, value, zone)
                    else:
                        value = convert(value)
            if value is not SkipField:
                ret[name] = value
        return ret


def _drf_value(field: fields.Field, instance: Any) -> Any:
    """One field as `Serializer.to_representation` renders it; `SkipField` (the class) when it skips."""
    try:
        attribute = field.get_attribute(instance)
    except SkipField:
        return SkipField
    check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
    return None if check_for_none is None else field.to_representation(attribute)


def _datetime(field: fields.Field, value: Any, zone: dt.tzinfo | None) -> Any:
    if zone is None or not isinstance(value, dt.datetime) or timezone.is_naive(value):
        return field.to_representation(value)
    try:
        text = value.astimezone(zone).isoformat()
    except OverflowError:
        return field.to_representation(value)
    return text[:-6] + "Z" if text.endswith("+00:00") else text
