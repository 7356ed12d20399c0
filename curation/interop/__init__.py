"""Annotations from other tools: one parser per tool, all producing the same
neutral items (items.py) that services.annotation_imports anchors and writes.

Parsers are pure: bytes in, a ParsedFile out, or a ValidationError saying what
is wrong with the file. They never touch the database.
"""
