"""The read-only JSON API under /api/: plumbing, serializers, views."""
