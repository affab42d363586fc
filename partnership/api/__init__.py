"""The read-only JSON API under /api/ (issue 5): plumbing, serializers, views."""
