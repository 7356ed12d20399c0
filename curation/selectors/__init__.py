"""Reads that are more than a scoped queryset: views, admin and exports call these."""
