from django.apps import AppConfig


class SvportalConfig(AppConfig):
    name = "svportal"
    verbose_name = "SV Portal"
