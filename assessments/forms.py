from datetime import date

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ingest.taxonomy import CATEGORIES

from .computation.priority import DEFAULT_WEIGHTS
from .labels import CATEGORIES as CATEGORY_LABELS
from .labels import FLAGS, harm_index

FLAG_KEYS = ("domestic_abuse", "knife", "firearm", "alcohol", "drugs")
def _first_upper(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


# Lazy, so that the choices follow the reader's language.
_lazy_first_upper = lazy(_first_upper, str)


CATEGORY_CHOICES = [(key, _lazy_first_upper(CATEGORY_LABELS[key])) for key in CATEGORIES]
FLAG_CHOICES = [(key, _lazy_first_upper(FLAGS[key])) for key in FLAG_KEYS]


def year_choices(first: int = 2015) -> list[tuple[str, str]]:
    """Financial years from the current one back to `first`."""
    today = date.today()
    last = today.year if today.month >= 4 else today.year - 1
    return [(f"{y}/{(y + 1) % 100:02d}",) * 2 for y in range(last, first - 1, -1)]


def codes(text: str) -> list[str]:
    return sorted({c.strip() for c in text.replace("\n", ",").split(",") if c.strip()})


class DefinitionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120,
                           error_messages={"required": _("Enter a name for the definition")})
    financial_year = forms.ChoiceField(label=_("Financial year"), choices=year_choices())
    categories = forms.MultipleChoiceField(
        label=_("Offence categories included"), choices=CATEGORY_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple)
    offence_codes = forms.CharField(
        label=_("Other Home Office offence codes included"), required=False,
        help_text=_("Separated by commas, for example 8N, 37.1"))
    exclude_offence_codes = forms.CharField(
        label=_("Offence codes excluded"), required=False,
        help_text=_("Separated by commas; these are left out even if their category is in"))
    flags = forms.MultipleChoiceField(
        label=_("Only offences with these flags"), choices=FLAG_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to include offences whatever their flags"))
    flags_mode = forms.ChoiceField(
        label=_("Flags must match"), widget=forms.RadioSelect, initial="any",
        choices=[("any", _("any of those chosen")), ("all", _("all of those chosen"))])
    exclude_flags = forms.MultipleChoiceField(
        label=_("Leave out offences with these flags"), choices=FLAG_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example domestic abuse, for a non-domestic definition"))
    age_limit = forms.IntegerField(
        label=_("Age limit (under)"), required=False, min_value=1, max_value=120,
        help_text=_("For example 25 for under 25s; leave empty for all ages"),
        error_messages={"min_value": _("The age limit must be from 1 to 120"),
                        "max_value": _("The age limit must be from 1 to 120"),
                        "invalid": _("Enter the age limit as a whole number, like 25")})
    age_who = forms.ChoiceField(
        label=_("The age limit applies to"), widget=forms.RadioSelect, initial="either",
        choices=[("victim", _("victims")), ("suspect", _("suspects")),
                 ("either", _("victims or suspects"))])
    public_place = forms.BooleanField(label=_("Public place only"), required=False)
    note = forms.CharField(label=_("What changed (for the version history)"), required=False,
                           max_length=300)

    def rules(self) -> dict:
        data = self.cleaned_data
        limit = data.get("age_limit")
        return {
            "categories": sorted(data.get("categories") or []),
            "offence_codes": codes(data.get("offence_codes") or ""),
            "exclude_categories": [],
            "exclude_offence_codes": codes(data.get("exclude_offence_codes") or ""),
            "flags": {"mode": data.get("flags_mode") or "any",
                      "keys": sorted(data.get("flags") or [])},
            "exclude_flags": sorted(data.get("exclude_flags") or []),
            "age": {"limit": limit, "who": data.get("age_who") or "either"} if limit else None,
            "public_place": bool(data.get("public_place")),
        }

    @classmethod
    def initial_from(cls, name: str, financial_year: str, rules: dict) -> dict:
        age = rules.get("age") or {}
        flags = rules.get("flags") or {}
        return {"name": name, "financial_year": financial_year,
                "categories": rules.get("categories", []),
                "offence_codes": ", ".join(rules.get("offence_codes", [])),
                "exclude_offence_codes": ", ".join(rules.get("exclude_offence_codes", [])),
                "flags": flags.get("keys", []), "flags_mode": flags.get("mode", "any"),
                "exclude_flags": rules.get("exclude_flags", []),
                "age_limit": age.get("limit"), "age_who": age.get("who", "either"),
                "public_place": rules.get("public_place", False)}


class StartForm(forms.Form):
    definition = forms.ModelChoiceField(
        label=_("Local definition"), queryset=None,
        error_messages={"required": _("Choose the local definition to apply")})
    financial_year = forms.ChoiceField(label=_("Financial year"), choices=year_choices())
    comparator_group = forms.ModelChoiceField(label=_("Comparator group"), queryset=None,
                                              required=False, empty_label=_("None"))
    harm_index = forms.ChoiceField(label=_("Harm index"), required=False)

    def __init__(self, *args, definitions=None, groups=None, harm_indices=(), years=(),
                 **kwargs):
        super().__init__(*args, **kwargs)
        if years:
            # Only years some police extract covers: any other would be refused on submit.
            self.fields["financial_year"].choices = [(y, y) for y in years]
        self.fields["definition"].queryset = definitions
        self.fields["definition"].label_from_instance = (
            lambda d: f"{d.name} ({d.financial_year}, v{d.current.number if d.current else 0})")
        self.fields["comparator_group"].queryset = groups
        self.fields["harm_index"].choices = ([("", _("None loaded"))] if not harm_indices
                                             else [(n, harm_index(n)) for n in harm_indices])


class ComparatorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120,
                           help_text=_("For example: most similar group"))
    own_area = forms.CharField(
        label=_("This partnership's name in the Home Office tables"), max_length=120)
    areas = forms.CharField(
        label=_("Comparator areas"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, named as in the Home Office tables"))

    def __init__(self, *args, known=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.known = set(known)

    def clean_areas(self):
        areas = [a.strip() for a in self.cleaned_data["areas"].splitlines() if a.strip()]
        unknown = [a for a in areas if self.known and a not in self.known]
        if unknown:
            raise forms.ValidationError(
                _("Not in the loaded Home Office tables: %(areas)s. Check the spelling, or "
                  "load the tables first.") % {"areas": ", ".join(unknown)})
        if not areas:
            raise forms.ValidationError(_("Enter at least one comparator area"))
        return areas

    def clean_own_area(self):
        area = self.cleaned_data["own_area"].strip()
        if self.known and area not in self.known:
            raise forms.ValidationError(_("%(area)s is not in the loaded Home Office tables.")
                                        % {"area": area})
        return area


COMPONENT_LABELS = {
    "harm": _("Harm"), "volume": _("Volume"), "trend": _("Trend"),
    "vulnerability": _("Vulnerability (under-25 share)"),
    "influence": _("Ability to influence"),
}


class WeightsForm(forms.Form):
    """Weights of the priority score's components, and the analyst's 1-5 rating of the
    partnership's ability to influence each category."""

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key, default in DEFAULT_WEIGHTS.items():
            self.fields[f"w_{key}"] = forms.DecimalField(
                label=COMPONENT_LABELS[key], min_value=0, max_value=1, decimal_places=2,
                initial=default,
                error_messages={"min_value": _("Weights are from 0 to 1"),
                                "max_value": _("Weights are from 0 to 1"),
                                "invalid": _("Enter a weight like 0.25")})
        for key in categories:
            self.fields[f"r_{key}"] = forms.TypedChoiceField(
                label=_first_upper(CATEGORY_LABELS.get(key, key)), coerce=int, initial=3,
                choices=[(i, str(i)) for i in range(1, 6)])
        self.categories = list(categories)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"w_{k}") for k in DEFAULT_WEIGHTS):
            raise forms.ValidationError(_("Give at least one component a weight above 0"))
        return data

    def weights(self) -> dict:
        return {k: float(self.cleaned_data[f"w_{k}"]) for k in DEFAULT_WEIGHTS}

    def ratings(self) -> dict:
        return {k: int(self.cleaned_data[f"r_{k}"]) for k in self.categories}


class FindingForm(forms.Form):
    text = forms.CharField(label=_("Wording"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False, max_length=2000,
                           help_text=_("Leave empty to go back to the generated sentence"))
