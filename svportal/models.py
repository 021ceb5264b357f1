from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The portal's user. Borough roles live in boroughs.BoroughRole; global roles are groups."""

    class Meta:
        ordering = ["username"]

    @property
    def display_name(self):
        return self.get_full_name() or self.username
