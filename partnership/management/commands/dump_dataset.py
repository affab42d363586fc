import json

from django.core.management.base import BaseCommand

from partnership.dataset import dump_dataset
from partnership.exports import public_dataset


class Command(BaseCommand):
    help = (
        "Write every record and link, with provenance, as a dataset file that load_dataset restores. "
        "With --public, leave out drafts and everything drawn from them (what /export/dataset.json serves)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="File to write; '-' (the default) for stdout.")
        parser.add_argument("--public", action="store_true", help="Only published releases and their facts.")

    def handle(self, *args, path, public, **options):
        data = public_dataset() if public else dump_dataset()
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if path == "-":
            self.stdout.write(text, ending="")
        else:
            with open(path, "w", encoding="utf-8") as file:
                file.write(text)
            self.stderr.write(self.style.SUCCESS(f"Wrote {path}"))
