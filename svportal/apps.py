from django.apps import AppConfig


class SvportalConfig(AppConfig):
    name = "svportal"
    verbose_name = "SV Portal"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from rest_framework.authtoken.models import Token

        from core.api.answers import people_changed
        from core.response_cache import data_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, dispatch_uid=f"response-cache-{id(signal)}")

        # Who may see what: signed-in answers are kept per reader under the data version.
        user = get_user_model()
        for model in (user, Group, Token):
            for signal in (post_save, post_delete):
                signal.connect(
                    people_changed,
                    sender=model,
                    dispatch_uid=f"people-{model.__name__}-{id(signal)}",
                )
        for through in (
            user.groups.through,
            user.user_permissions.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(
                people_changed, sender=through, dispatch_uid=f"people-{through.__name__}"
            )
