"""Importing annotations from other tools, for project owners: upload, see the
mapping (defaults filled in), change it, import, read the report.

The page keeps nothing between its steps on the server: the mapping step
carries the upload back in the form (compressed), so any app process can take
the second request. The service re-reads and re-checks it whole.
"""

import base64
import binascii
import zlib

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse

from ..choices import Role
from ..interop.mapping import LABEL_TARGETS, RELATION_TARGETS, defaults_for
from ..interop.reading import ImportTooLarge, max_import_bytes
from ..models import Project
from ..services.annotation_imports import PARSERS, annotations_import, annotations_parse
from .base import has_role_somewhere

KIND_CHOICES = [
    ("webannotation", "W3C Web Annotation JSON-LD (Hypothesis export too)"),
    ("doccano", "doccano JSONL (sequence labelling or relations)"),
    ("labelstudio", "Label Studio JSON export"),
    ("claimdesk", "Claimdesk jsonl release (zip)"),
]
assert {kind for kind, _ in KIND_CHOICES} == set(PARSERS)


class UploadForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none())
    kind = forms.ChoiceField(choices=KIND_CHOICES, label="Format")
    file = forms.FileField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user, Role.OWNER).order_by(
            "name"
        )


class MappingForm(forms.Form):
    """One choice per label and relation of the file, the default preselected.
    The carried upload is re-read on import, so the names come from the file,
    never from the form."""

    project = forms.ModelChoiceField(queryset=Project.objects.none(), widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=KIND_CHOICES, widget=forms.HiddenInput)
    name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, user, labels=(), relations=(), defaults=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user, Role.OWNER)
        self.labels, self.relations = list(labels), list(relations)
        for index, label in enumerate(self.labels):
            self.fields[f"label_{index}"] = forms.ChoiceField(
                label=label,
                choices=[(t, t) for t in LABEL_TARGETS],
                initial=defaults.labels[label] if defaults else None,
            )
        for index, relation in enumerate(self.relations):
            self.fields[f"relation_{index}"] = forms.ChoiceField(
                label=relation,
                choices=[(t, t) for t in RELATION_TARGETS],
                initial=defaults.relations[relation] if defaults else None,
            )

    def label_fields(self):
        return [self[f"label_{i}"] for i in range(len(self.labels))]

    def relation_fields(self):
        return [self[f"relation_{i}"] for i in range(len(self.relations))]

    def mapping(self) -> dict:
        data = self.cleaned_data
        return {
            "labels": {n: data[f"label_{i}"] for i, n in enumerate(self.labels)},
            "relations": {n: data[f"relation_{i}"] for i, n in enumerate(self.relations)},
        }


def pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def unpack(payload: str) -> bytes:
    limit = max_import_bytes()
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(payload, validate=True), limit + 1)
    except (binascii.Error, zlib.error, ValueError):
        raise ValidationError({"file": "The upload carried by the form is damaged."}) from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise ImportTooLarge(len(data), limit)
    return data


def annotation_import_view(request):
    """/admin/curation/import-annotations/: owners only (of the chosen project)."""
    user = request.user
    if not has_role_somewhere(request, Role.OWNER):
        raise PermissionDenied("Importing annotations is for project owners.")
    context = {"title": "Import annotations", "subtitle": None, "step": "upload"}
    status = 200
    upload = UploadForm(user=user)
    if request.method == "POST" and request.POST.get("step") == "import":
        return _import(request, context)
    if request.method == "POST":
        upload = UploadForm(request.POST, request.FILES, user=user)
        if upload.is_valid():
            try:
                return _preview(request, context, upload)
            except ValidationError as error:
                status = 413 if isinstance(error, ImportTooLarge) else 400
                upload.add_error(None, error.messages)
            except PermissionDenied as error:
                status = 403
                upload.add_error(None, str(error))
        else:
            status = 400
    context["form"] = upload
    context["max_bytes"] = max_import_bytes()
    return _render(request, context, status)


def _preview(request, context, upload: UploadForm):
    file = upload.cleaned_data["file"]
    limit = max_import_bytes()
    if file.size > limit:
        raise ImportTooLarge(file.size, limit)
    data = file.read()
    project, kind = upload.cleaned_data["project"], upload.cleaned_data["kind"]
    parsed = annotations_parse(
        actor=request.user, project=project, kind=kind, name=file.name, data=data
    )
    defaults = defaults_for(parsed)
    form = MappingForm(
        initial={"project": project.pk, "kind": kind, "name": file.name, "payload": pack(data)},
        user=request.user,
        labels=defaults.labels,
        relations=defaults.relations,
        defaults=defaults,
    )
    context.update(
        step="mapping",
        form=form,
        project=project,
        kind=kind,
        name=file.name,
        found={
            "claims": sum(not item.is_span for item in parsed.claims),
            "spans": sum(item.is_span for item in parsed.claims),
            "evidence": len(parsed.evidence),
            "documents": len(parsed.documents),
        },
    )
    return _render(request, context)


def _import(request, context):
    user = request.user
    form = MappingForm(request.POST, user=user)
    status = 400
    if form.is_valid():
        project, kind, name = (form.cleaned_data[f] for f in ("project", "kind", "name"))
        try:
            data = unpack(form.cleaned_data["payload"])
            parsed = annotations_parse(actor=user, project=project, kind=kind, name=name, data=data)
            defaults = defaults_for(parsed)
            form = MappingForm(
                request.POST,
                user=user,
                labels=defaults.labels,
                relations=defaults.relations,
                defaults=defaults,
            )
            if form.is_valid():
                report = annotations_import(
                    actor=user,
                    project=project,
                    kind=kind,
                    name=name,
                    data=data,
                    mapping=form.mapping(),
                )
                context.update(step="report", report=report, project=project)
                return _render(request, context)
        except ValidationError as error:
            status = 413 if isinstance(error, ImportTooLarge) else 400
            form.add_error(None, error.messages)
        except PermissionDenied as error:
            status = 403
            form.add_error(None, str(error))
    # A broken second step starts again from the upload, saying why.
    errors = list(form.non_field_errors()) or ["The form was incomplete: upload the file again."]
    context.update(
        step="upload", form=UploadForm(user=user), errors=errors, max_bytes=max_import_bytes()
    )
    return _render(request, context, status)


def _render(request, context, status: int = 200):
    from django.contrib import admin

    context = {**admin.site.each_context(request), **context}
    return TemplateResponse(
        request, "curation/imports/annotation_import.html", context, status=status
    )
