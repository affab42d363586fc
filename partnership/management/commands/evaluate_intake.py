import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partnership.dataset import DatasetError, load_dataset_file
from partnership.intake import KnownNames, propose
from partnership.intake.evaluation import Report, format_report, read_corpus, score_release
from partnership.models import CooperationArea
from partnership.vocabulary import concepts, merge


class Command(BaseCommand):
    help = (
        "Measure extraction on an annotated corpus (NAME.txt beside NAME.json): precision and recall per kind, "
        "dates and wrong matches, per sub-folder. The corpus's known.json is loaded first, inside a transaction "
        "that is rolled back (the database is left as it was), and only its records and the area vocabulary are "
        "known to the extraction, so the figures do not depend on the database."
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
            names = self.corpus_names(known_path)
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

    @staticmethod
    def corpus_names(known_path: Path) -> KnownNames:
        """The corpus's known records and the area vocabulary only, whatever else the database holds."""
        everything = KnownNames.from_database()
        listed = json.loads(known_path.read_text(encoding="utf-8")) if known_path.exists() else {}
        vocabulary = {concept.slug for concept in concepts()}

        def slugs(key: str) -> set[str]:
            return {row["slug"] for row in listed.get(key, [])}

        return KnownNames(
            officials=[r for r in everything.officials if r.slug in slugs("officials")],
            organisations=[r for r in everything.organisations if r.slug in slugs("organisations")],
            areas=[r for r in everything.areas if r.slug in vocabulary | slugs("areas")],
            agreements=[r for r in everything.agreements if r.slug in slugs("agreements")],
        )

    def output(self, reports: dict[str, Report], *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps({name: r.as_json() for name, r in reports.items()}, ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write("\n\n".join(format_report(report, name) for name, report in reports.items()))
