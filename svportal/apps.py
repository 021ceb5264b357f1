from django.apps import AppConfig


class SvportalConfig(AppConfig):
    name = "svportal"
    verbose_name = "SV Portal"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core.response_cache import data_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, dispatch_uid=f"response-cache-{id(signal)}")
