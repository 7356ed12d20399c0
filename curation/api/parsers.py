"""DRF's parsers, with their failures answered as 400 JSON instead of 500 or HTML.

JSON nested deeper than MAX_JSON_DEPTH (Python's own parser raises RecursionError
near 1,000 levels, and every later recursive walk would too) and form bodies over
Django's field and file limits (DATA_UPLOAD_MAX_NUMBER_FIELDS/FILES, which Django
raises as SuspiciousOperation) become ParseError.
"""

from django.core.exceptions import SuspiciousOperation
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Claimdesk's deepest body (bulk claims with evidence) is 5 levels deep.
MAX_JSON_DEPTH = 32


def too_deep(value, limit: int = MAX_JSON_DEPTH) -> bool:
    """True if lists and objects nest more than `limit` levels (no recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            deep = True
        else:
            deep = too_deep(data)
        if deep:
            raise ParseError(f"JSON parse error - nested more than {MAX_JSON_DEPTH} levels deep.")
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except SuspiciousOperation as error:
            raise ParseError(f"Form parse error - {error}") from error


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except SuspiciousOperation as error:
            raise ParseError(f"Multipart form parse error - {error}") from error
