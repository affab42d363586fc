from django.core.management.base import BaseCommand, CommandError

from partnership.dataset import DatasetError, load_dataset_file


class Command(BaseCommand):
    help = "Load a dataset file (the shipped fixture or a full download): all or nothing, safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Dataset JSON files, e.g. fixtures/asean-un-2015.json")

    def handle(self, *args, paths, **options):
        for path in paths:
            try:
                counts = load_dataset_file(path)
            except (DatasetError, OSError) as error:
                raise CommandError(f"Nothing was loaded from {path}: {error}") from None
            summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Loaded {path}: {summary}"))
