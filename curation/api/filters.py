"""One FilterSet per resource: explicit fields, a `q` search, whitelisted ordering."""

import functools
from datetime import UTC

import django_filters as filters
from django import forms
from django.db.models import Q
from django_filters import utils
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from ..choices import ClaimKind, ClaimStatus, Credibility, Reliability, Role, SourceKind, Stance
from ..grading import reliability_among
from ..models import (
    Claim,
    Document,
    EvidenceLink,
    Membership,
    Passage,
    Project,
    Release,
    Source,
    Topic,
)
from ..search import DOCUMENT_SEARCH_FIELDS, search

MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """An id: a whole number in the database's range, matched without a lookup.

    Unlike Meta.fields' ModelChoiceFilter, it does not check the id exists (which
    would tell a non-member that another project's id is real), and unlike a
    plain NumberFilter it refuses 1.5 and numbers SQLite cannot hold (400, not 500).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC.

    Python accepts offsets up to ±23:59 but PostgreSQL only ±15:59: converted,
    `…-22:16` is a valid instant instead of a database error (500).
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Date and time out of range.", code="overflow") from None


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class FilterBackend(DjangoFilterBackend):
    """django-filter, with only the filters the request names.

    A FilterSet deep-copies all its filters, builds a form class with a field for
    each and cleans every field on every request: for the claims' two dozen filters
    about a fifth of the CPU of `GET /api/v1/claims/?document=` (the peer
    benchmark's phase e), where one filter is used. A filter the request does not
    name filters nothing (an empty value is a no-op in django-filter), so the
    answer, and the 400 for a bad value, are the same with the named ones alone.
    (The browsable API's filter form, `to_html`, still shows them all.)

    Measured 2026-12-05, in-process CPU per `GET /api/v1/claims/?document=` (10
    claims, no topics or evidence; 2,000 documents / 20,000 claims on PostgreSQL,
    ANALYZEd), all filters / the named ones, 4 interleaved pairs of 200 requests:
    8.41/7.14, 8.49/7.75, 8.96/7.48, 8.86/7.72 ms, median 0.86 (-14 %). How:
    docs/benchmarks.md, "Phase e: the claims of one document".
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        named = frozenset(request.query_params.keys() & filterset_class.base_filters.keys())
        if not named:
            return queryset
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        filterset = _with_filters(filterset_class, named)(**kwargs)
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


@functools.lru_cache(maxsize=512)
def _with_filters(filterset_class, names: frozenset[str]):
    """A subclass of `filterset_class` with only the filters called `names`."""
    subclass = type(filterset_class)(filterset_class.__name__, (filterset_class,), {})
    subclass.base_filters = {
        name: spec for name, spec in filterset_class.base_filters.items() if name in names
    }
    return subclass


class StableOrderingFilter(OrderingFilter):
    """Client ordering, then id: ties never make cursor pages skip or repeat rows."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            first = ordering[0] if ordering else "-id"
            ordering.append("-id" if first.startswith("-") else "id")
        return ordering


# An unknown spelling is a 400, not silently "no filter".
TRUE_VALUES = ("true", "1", "yes")
FALSE_VALUES = ("false", "0", "no")


class ProjectFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Search name, slug and description")
    role = filters.ChoiceFilter(choices=Role.choices, method="filter_role")

    class Meta:
        model = Project
        fields = ["slug"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(slug__icontains=value) | Q(description__icontains=value)
        )

    def filter_role(self, queryset, name, value):
        return queryset.filter(memberships__user=self.request.user, memberships__role=value)


class MembershipFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    user = filters.CharFilter(field_name="user__username")
    role = filters.MultipleChoiceFilter(choices=Role.choices, distinct=False)

    class Meta:
        model = Membership
        fields = []


class SourceFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    q = filters.CharFilter(method="search")
    kind = filters.MultipleChoiceFilter(choices=SourceKind.choices, distinct=False)
    reliability = filters.MultipleChoiceFilter(choices=Reliability.choices, distinct=False)

    class Meta:
        model = Source
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(url__icontains=value))


class TopicFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Topic
        fields = ["name"]


class DocumentFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    source = IdFilter(field_name="source")
    q = filters.CharFilter(
        method="search", label="Search title, DOI, URL and text (words by stem, CJK by substring)"
    )
    language = filters.CharFilter()
    source_reliability = filters.MultipleChoiceFilter(
        field_name="source__reliability", choices=Reliability.choices, distinct=False
    )
    published_after = filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta:
        model = Document
        fields = ["sha256", "doi"]

    def search(self, queryset, name, value):
        return search(queryset, value, DOCUMENT_SEARCH_FIELDS)


class PassageFilter(filters.FilterSet):
    document = IdFilter(field_name="document")
    project = IdFilter(field_name="document__project")
    q = filters.CharFilter(method="search", label="Full-text search in the quote")
    start_gte = IdFilter(field_name="start", lookup_expr="gte", min_value=0)
    end_lte = IdFilter(field_name="end", lookup_expr="lte", min_value=0)

    class Meta:
        model = Passage
        fields = []

    def search(self, queryset, name, value):
        return search(queryset, value, ["exact"])


class EvidenceFilter(filters.FilterSet):
    claim = IdFilter(field_name="claim")
    passage = IdFilter(field_name="passage")
    project = IdFilter(field_name="claim__project")
    document = IdFilter(field_name="passage__document")
    stance = filters.MultipleChoiceFilter(choices=Stance.choices, distinct=False)
    author = filters.CharFilter(field_name="author__username")

    class Meta:
        model = EvidenceLink
        fields = []


# MultipleChoiceFilters say distinct=False: none of them joins a multi-valued
# relation (topics and stance filter through subqueries), and SELECT DISTINCT
# over every selected column keeps PostgreSQL from walking the id index.
class ClaimFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    passage = IdFilter(field_name="passage")
    document = IdFilter(field_name="passage__document")
    source = IdFilter(field_name="passage__document__source")
    status = filters.MultipleChoiceFilter(choices=ClaimStatus.choices, distinct=False)
    kind = filters.MultipleChoiceFilter(choices=ClaimKind.choices, distinct=False)
    topic = filters.CharFilter(method="filter_topic", label="Topic name (or id)")
    credibility = filters.MultipleChoiceFilter(choices=Credibility.choices, distinct=False)
    credibility_min = filters.NumberFilter(
        field_name="credibility", lookup_expr="gte", min_value=1, max_value=6
    )
    credibility_max = filters.NumberFilter(
        field_name="credibility", lookup_expr="lte", min_value=1, max_value=6
    )
    source_reliability = filters.MultipleChoiceFilter(
        choices=Reliability.choices,
        method="filter_source_reliability",
        label="Source graded (F: also claims without a source)",
        distinct=False,
    )
    author = filters.CharFilter(field_name="author__username")
    reviewer = filters.CharFilter(field_name="reviewer__username")
    stance = filters.MultipleChoiceFilter(
        choices=Stance.choices,
        method="filter_stance",
        label="Has evidence with this stance",
        distinct=False,
    )
    has_evidence = filters.ChoiceFilter(
        choices=[(value, value) for value in (*TRUE_VALUES, *FALSE_VALUES)],
        method="filter_has_evidence",
        label="true / false (also 1 / 0, yes / no)",
    )
    decidable = filters.ChoiceFilter(
        choices=[(value, value) for value in TRUE_VALUES],
        method="filter_decidable",
        label="true: only claims you may decide (not your own where the project has four eyes)",
    )
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = DateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = DateTimeFilter(field_name="updated_at", lookup_expr="lt")
    q = filters.CharFilter(
        method="search", label="Search statement and quote (words by stem, CJK by substring)"
    )

    class Meta:
        model = Claim
        fields = []

    def filter_topic(self, queryset, name, value):
        topics = Topic.objects.filter(
            # isdecimal() and ASCII: "²" and "①" are digits to isdigit(), not to int().
            Q(name=value) | Q(pk=int(value))
            if value.isascii() and value.isdecimal()
            else Q(name=value)
        )
        # A subquery, not a join: a claim with two matching topics stays one row.
        return queryset.filter(
            pk__in=Claim.topics.through.objects.filter(topic__in=topics).values("claim_id")
        )

    def filter_source_reliability(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(reliability_among("passage__document__source", value))

    def filter_stance(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=EvidenceLink.objects.filter(stance__in=value).values("claim_id")
        )

    def filter_decidable(self, queryset, name, value):
        return queryset.decidable_by(self.request.user)

    def filter_has_evidence(self, queryset, name, value):
        linked = EvidenceLink.objects.values("claim_id")
        if value in TRUE_VALUES:
            return queryset.filter(pk__in=linked)
        return queryset.exclude(pk__in=linked)

    def search(self, queryset, name, value):
        return search(queryset, value, ["statement", "passage__exact"])


class ReleaseFilter(filters.FilterSet):
    project = IdFilter(field_name="project")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Release
        fields = ["version", "status"]
