"""Link every meeting to the City and Venue records its free-text place names.

The text stays (it is the place as the release wrote it), so going back only unlinks and
removes the records.
"""

from django.db import migrations

from partnership.places import city_named, venue_named


def link(apps, schema_editor):
    City, Venue, Meeting = (apps.get_model("partnership", name) for name in ("City", "Venue", "Meeting"))
    # One UPDATE per distinct place, not per meeting: there are few places and many meetings.
    pairs = Meeting.objects.exclude(city="", venue="").values_list("venue", "city").distinct().order_by()
    for venue_text, city_text in list(pairs):
        city = city_named(City, city_text)
        venue = venue_named(Venue, venue_text, city)
        Meeting.objects.filter(venue=venue_text, city=city_text).update(city_record=city, venue_record=venue)

def unlink(apps, schema_editor):
    City, Venue, Meeting = (apps.get_model("partnership", name) for name in ("City", "Venue", "Meeting"))
    Meeting.objects.update(city_record=None, venue_record=None)
    Venue.objects.all().delete()
    City.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("partnership", "0007_places")]

    operations = [migrations.RunPython(link, unlink)]
