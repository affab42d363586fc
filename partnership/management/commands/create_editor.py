from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partnership.services import editor_create


class Command(BaseCommand):
    help = "Create an editor account (staff, in the Editors group) with a generated password, shown once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        try:
            user, password = editor_create(username=username, email=email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created editor '{user.username}'."))
        self.stdout.write(f"Password (shown once; it is not stored anywhere readable): {password}")
