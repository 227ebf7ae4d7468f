"""Enum names for the OpenAPI schema, importable from settings (no DRF import here)."""

from typing import Any


class ModelChoiceEnumNames(dict):
    """ENUM_NAME_OVERRIDES computed when drf-spectacular first reads it: every `models.Choices` class
    nested in an installed model is named `<Model><Class>Enum` (first model wins a shared choice set),
    plus the explicit entries given."""

    def _computed(self) -> dict[str, Any]:
        from django.apps import apps
        from django.db import models

        names: dict[str, Any] = {}
        seen: set[tuple] = set()
        for model in apps.get_models():
            for attribute, value in vars(model).items():
                if (
                    isinstance(value, type)
                    and issubclass(value, models.Choices)
                    and not attribute.startswith("_")
                ):
                    key = tuple(value.choices)
                    if key in seen:
                        continue
                    seen.add(key)
                    names[f"{model.__name__}{value.__name__}Enum"] = value
        explicit_sets = {tuple(self._choices(v)) for v in dict.values(self)}
        names = {name: value for name, value in names.items() if tuple(value.choices) not in explicit_sets}
        names.update(dict.items(self))
        return names

    @staticmethod
    def _choices(value):
        from django.db import models

        if isinstance(value, type) and issubclass(value, models.Choices):
            return value.choices
        return [(item, item) if isinstance(item, str) else tuple(item) for item in value]

    def items(self):
        return self._computed().items()

    def __len__(self) -> int:
        return len(self._computed())

    def __iter__(self):
        return iter(self._computed())
