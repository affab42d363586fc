from django.core.management.base import BaseCommand
from django.db import transaction

from partnership.models import CooperationArea
from partnership.vocabulary import concepts, merge


class Command(BaseCommand):
    help = (
        "Merge the controlled vocabulary of cooperation areas into the database: add missing concepts and "
        "alternative labels, never remove or rename (safe to run again, e.g. after loading a dataset)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            result = merge(CooperationArea)
        self.stdout.write(
            f"{len(concepts())} concepts: {result['created']} area(s) created, {result['updated']} updated."
        )
