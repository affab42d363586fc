import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partnership.dataset import DatasetError, load_dataset_file
from partnership.intake import KnownNames, propose
from partnership.intake.evaluation import Report, format_report, read_corpus, score_release
from partnership.models import CooperationArea
from partnership.vocabulary import merge


class Command(BaseCommand):
    help = (
        "Measure extraction on an annotated corpus (NAME.txt beside NAME.json): precision and recall per kind, "
        "dates and wrong matches, per sub-folder. The corpus's known.json is loaded first, inside a transaction "
        "that is rolled back: the database is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The corpus folder, e.g. tests/intake_corpus")
        parser.add_argument("--known", help="Records the gazetteer starts with (default: DIRECTORY/known.json)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Print the figures as JSON")

    def handle(self, *args, directory, known, as_json, **options):
        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"No such folder: {root}")
        parts = [p for p in sorted(root.iterdir()) if p.is_dir() and read_corpus(p)] or [root]
        known_path = Path(known) if known else root / "known.json"
        reports = {}
        with transaction.atomic():
            if known_path.exists():
                try:
                    load_dataset_file(known_path)
                except DatasetError as error:
                    raise CommandError(f"{known_path}: {error}") from None
            merge(CooperationArea)
            names = KnownNames.from_database()
            total = Report()
            for part in parts:
                report = Report()
                for release in read_corpus(part):
                    proposal = propose(release.text, names)
                    score_release(release, proposal, report)
                    score_release(release, proposal, total)
                reports[part.name if part != root else "corpus"] = report
            transaction.set_rollback(True)
        if len(reports) > 1:
            reports["all"] = total
        self.output(reports, as_json=as_json)

    def output(self, reports: dict[str, Report], *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps({name: r.as_json() for name, r in reports.items()}, ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write("\n\n".join(format_report(report, name) for name, report in reports.items()))
