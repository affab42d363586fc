"""Editors' screens: every record with search, filters, autocomplete, history and a guard against duplicates.

A module per concern: `base` (permissions, history, merging, counted columns), `forms`
(editors' forms), `records` (the ModelAdmins and inlines), `extract` (the Extract screen).
"""

from django.contrib import admin

from .. import models
from . import records
from .forms import history_token

__all__ = ["history_token"]

admin.site.register(models.Organisation, records.OrganisationAdmin)
admin.site.register(models.Official, records.OfficialAdmin)
admin.site.register(models.Post, records.PostAdmin)
admin.site.register(models.CooperationArea, records.CooperationAreaAdmin)
admin.site.register(models.Agreement, records.AgreementAdmin)
admin.site.register(models.Meeting, records.MeetingAdmin)
admin.site.register(models.Relationship, records.RelationshipAdmin)
admin.site.register(models.City, records.CityAdmin)
admin.site.register(models.Venue, records.VenueAdmin)
admin.site.register(models.SlugRedirect, records.SlugRedirectAdmin)
admin.site.register(models.LearnedAlias, records.LearnedAliasAdmin)
admin.site.register(models.PressRelease, records.PressReleaseAdmin)
