from django.core.management.base import BaseCommand, CommandError

from partnership.models import Meeting
from partnership.synthetic import clear_records, generate


class Command(BaseCommand):
    help = "Fill the database with synthetic, proportional, deterministic records (for the benchmark)."

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, default=2000, help="How many meetings (other records scale).")
        parser.add_argument("--seed", type=int, default=2015, help="The same seed and scale give the same data.")
        parser.add_argument("--replace", action="store_true", help="Delete every existing record first.")

    def handle(self, *args, meetings, seed, replace, **options):
        if meetings < 1:
            raise CommandError("--meetings must be 1 or more.")
        if Meeting.objects.exists():
            if not replace:
                raise CommandError("The database already has meetings; pass --replace to delete every record first.")
            clear_records()
        counts = generate(meetings, seed)
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {summary}."))
