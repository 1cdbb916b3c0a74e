from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, Partnership

from . import labels, sources
from .models import SharingAgreement


class AgreementForm(forms.Form):
    reference = forms.CharField(label=_("Document reference"), max_length=80,
                                error_messages={"required": _("Enter the agreement's "
                                                              "document reference")})
    organisation = forms.ModelChoiceField(
        label=_("Organisation that supplies the data"), queryset=Organisation.objects.none(),
        error_messages={"required": _("Choose the organisation that supplies the data")})
    source_keys = forms.MultipleChoiceField(
        label=_("Datasets shared"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one dataset")})
    partnerships = forms.ModelMultipleChoiceField(
        label=_("Partnerships it is shared with"), queryset=Partnership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one partnership")})
    lawful_basis = forms.ChoiceField(label=_("Lawful basis"),
                                     choices=SharingAgreement.LawfulBasis.choices,
                                     widget=forms.RadioSelect,
                                     error_messages={"required": _("Choose the lawful basis")})
    lawful_basis_detail = forms.CharField(label=_("Lawful basis details"), required=False,
                                          max_length=300,
                                          help_text=_("Required when the basis is “Other”."))
    retention_days = forms.IntegerField(label=_("Retention period in days"), min_value=1,
                                        max_value=36500, initial=3 * 365)
    starts_on = forms.DateField(label=_("Start date"), help_text=_("For example, 2024-04-01"),
                                error_messages={"required": _("Enter the start date"),
                                                "invalid": _("Enter the start date as "
                                                             "YYYY-MM-DD")})
    review_on = forms.DateField(label=_("Review date"), help_text=_("For example, 2025-03-31"),
                                error_messages={"required": _("Enter the review date"),
                                                "invalid": _("Enter the review date as "
                                                             "YYYY-MM-DD")})

    def __init__(self, *args, organisations=None, partnerships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["partnerships"].queryset = partnerships
        self.fields["source_keys"].choices = [
            (key, spec.label) for key, spec in sources.SOURCES.items() if not spec.open_data]

    def clean(self):
        data = super().clean()
        if data.get("lawful_basis") == "other" and not data.get("lawful_basis_detail"):
            self.add_error("lawful_basis_detail", _("Say which law allows the sharing"))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            if not data:
                return [super().clean(None, initial)]
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation that supplied the data"), queryset=Organisation.objects.none(),
        required=False, help_text=_("Not needed for ONS reference data."))
    source_key = forms.ChoiceField(label=_("Kind of data"),
                                   error_messages={"required": _("Choose the kind of data")})
    files = MultipleFileField(label=_("Files"),
                            help_text=_("CSV, XLSX or ODS. You can choose several files."),
                            error_messages={"required": _("Choose at least one file")},
                            # Empty files get the platform's own message, naming them (clean).
                            allow_empty_file=True)

    def __init__(self, *args, organisations=None, source_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        field.label_from_instance = lambda org: org.name
        self.fields["source_key"].choices = source_choices
        if organisations is not None and len(organisations) == 1:
            # A data provider supplies for one organisation: it is chosen for them.
            field.initial = organisations[0].pk
            field.empty_label = None
        if not any(sources.source(key).reference for key, _label in source_choices or []):
            field.help_text = ""  # no reference data to upload here: no organisation to skip

    def clean(self):
        data = super().clean()
        key = data.get("source_key")
        if key and not sources.source(key).reference and not data.get("organisation"):
            self.add_error("organisation",
                           _("Choose the organisation that supplied the data"))
        # Checked before any file is received, so that none of several is taken in.
        for upload in data.get("files") or []:
            if upload is not None and upload.size == 0:
                self.add_error("files", _("%(name)s is empty. Choose the file again: it may "
                                          "not have finished saving.") % {"name": upload.name})
        return data


class MappingForm(forms.Form):
    """One choice of column per canonical field, prefilled with the platform's proposal."""

    name = forms.CharField(label=_("Save this mapping as"), max_length=100,
                           help_text=_("Files with the same columns will use it next time."),
                           error_messages={"required": _("Give the mapping a name")})

    def __init__(self, *args, proposal, columns, default_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["name"].initial = default_name
        choices = [("", _("Not in this file")), *[(c, c) for c in columns]]
        for item in proposal:
            self.fields[f"field_{item['field']}"] = forms.ChoiceField(
                label=labels.field(item["field"]), choices=choices, required=False,
                initial=item["heading"] or "")

    def mapping(self) -> dict[str, str]:
        return {item["field"]: self.cleaned_data.get(f"field_{item['field']}", "")
                for item in self.proposal}

    def rows(self, samples: dict) -> list[dict]:
        rows = []
        for item in self.proposal:
            bound = self[f"field_{item['field']}"]
            chosen = bound.value() or ""
            rows.append({**item, "bound": bound, "samples": samples.get(chosen, [])})
        return rows


class SheetForm(forms.Form):
    sheet = forms.ChoiceField(label=_("Which sheet holds the data?"), widget=forms.RadioSelect,
                              error_messages={"required": _("Choose the sheet that holds the "
                                                            "data")})

    def __init__(self, *args, sheets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheets]
