from django.apps import AppConfig


class SupportopsConfig(AppConfig):
    name = "supportops"
    verbose_name = "SupportOps"
