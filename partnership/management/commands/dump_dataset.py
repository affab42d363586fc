from django.core.management.base import BaseCommand

from partnership.dataset import dataset_json


class Command(BaseCommand):
    help = (
        "Write every record and link, with provenance, as a dataset file that load_dataset restores. "
        "With --public, only what the public may see (what /export/dataset.json serves)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="File to write; '-' (the default) for stdout.")
        parser.add_argument("--public", action="store_true", help="Only what the public may see.")

    def handle(self, *args, path, public, **options):
        pieces = dataset_json({}, public=public)
        if path == "-":
            for piece in pieces:
                self.stdout.write(piece, ending="")
        else:
            with open(path, "w", encoding="utf-8") as file:
                file.writelines(pieces)
            self.stderr.write(self.style.SUCCESS(f"Wrote {path}"))
