import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from boroughs.models import Borough
from boroughs.roles import ALL_ROLES, BOROUGH_ROLES, role_grant


class Command(BaseCommand):
    help = (
        "Give a user a role, creating the user if missing. Roles: officer and lead "
        "(of one borough, with --borough), analyst and editor (of the whole portal)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=ALL_ROLES)
        parser.add_argument("--borough", metavar="SLUG", help="The borough, for officer and lead.")
        parser.add_argument(
            "--password-from-env",
            metavar="VAR",
            help="Set the user's password from this environment variable.",
        )
        parser.add_argument("--email", default="", help="E-mail address for a new user.")

    def handle(self, *args, username, role, borough, password_from_env, email, **options):
        # Check everything first, so bad input changes nothing.
        borough_obj = self._borough(role, borough)
        password = self._password(password_from_env)
        User = get_user_model()
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username, defaults={"email": email})
            if password is not None:
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    message = " ".join(error.messages)
                    raise CommandError(f"The password is not accepted: {message}") from error
                user.set_password(password)
                user.save(update_fields=["password"])
            elif created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            role_grant(user=user, role=role, borough=borough_obj)
        where = f" of {borough_obj.name}" if borough_obj else ""
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {username}: {role}{where}."))

    def _borough(self, role, slug):
        if role in BOROUGH_ROLES:
            if not slug:
                raise CommandError(
                    f"The {role} role needs --borough SLUG, e.g. --borough westminster."
                )
            borough = Borough.objects.filter(slug=slug).first()
            if borough is None:
                raise CommandError(
                    f'There is no borough "{slug}". Borough slugs look like "westminster" '
                    'or "barking-and-dagenham"; run load_portal_data first on a new database.'
                )
            return borough
        if slug:
            raise CommandError(f"The {role} role covers every borough: leave out --borough.")
        return None

    def _password(self, variable):
        if variable is None:
            return None
        password = os.environ.get(variable)
        if not password:
            raise CommandError(f"The environment variable {variable} is not set or is empty.")
        return password
