import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partnership.intake import KnownNames, propose
from partnership.models import Organisation, ReleaseStatus
from partnership.services import meeting_create_from_proposal, release_create_from_text, release_find_by_text


class Command(BaseCommand):
    help = (
        "Propose records from release texts (a file, or a folder of .txt/.md files) and print the proposal as JSON. "
        "With --apply, create the releases and records in one transaction (for a trusted archive; safe to run twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A release text file, or a folder of them")
        parser.add_argument("--apply", action="store_true", help="Create the releases, meetings and records")
        parser.add_argument("--publisher", help="Slug of the publishing organisation (default: the secretariat named)")
        parser.add_argument("--publish", action="store_true", help="With --apply, publish the new releases")

    def handle(self, *args, path, apply, publisher, publish, **options):
        files = self.files(Path(path))
        publisher_record = None
        if publisher:
            publisher_record = Organisation.objects.filter(slug=publisher).first()
            if publisher_record is None:
                raise CommandError(f"No organisation with slug '{publisher}'.")
        results, created = [], 0
        try:
            with transaction.atomic():
                for file in files:
                    text = file.read_text(encoding="utf-8")
                    proposal = propose(text, KnownNames.cached())
                    release = (
                        release_find_by_text(
                            text=text, dateline_place=proposal.dateline_place, date=proposal.dateline_date
                        )
                        if proposal.dateline_date
                        else None
                    )
                    result = {
                        "path": str(file),
                        "release_match": {"id": release.pk, "slug": release.slug} if release else None,
                        **proposal.as_json(),
                    }
                    if apply:
                        result["applied"] = self.apply(text, proposal, release, publisher_record, publish)
                        created += result["applied"]["created"]
                    results.append(result)
        except ValidationError as error:
            raise CommandError(f"Nothing was created: {' '.join(error.messages)}") from None
        self.stdout.write(json.dumps(results[0] if Path(path).is_file() else results, ensure_ascii=False, indent=2))
        if apply:
            self.stderr.write(f"Created {created} meeting(s) from {len(files)} release(s).")

    def files(self, path: Path) -> list[Path]:
        if path.is_file():
            return [path]
        if path.is_dir():
            return sorted(p for p in path.iterdir() if p.suffix in {".txt", ".md"} and p.is_file())
        raise CommandError(f"No such file or folder: {path}")

    def apply(self, text, proposal, release, publisher, publish) -> dict:
        if release is None:
            status = ReleaseStatus.PUBLISHED if publish else ReleaseStatus.DRAFT
            release = release_create_from_text(text=text, proposal=proposal, publisher=publisher, status=status)
        elif release.derived_meetings.exists():
            return {"release": release.slug, "meeting": release.derived_meetings.first().slug, "created": 0}
        meeting = meeting_create_from_proposal(release=release, proposal=proposal, user=None)
        return {"release": release.slug, "meeting": meeting.slug, "created": 1}
