from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Partnership, Seat
from .roles import ROLES, Role


def posted(request):
    """The submitted data, or None on GET, so that an empty submission still validates."""
    return request.POST if request.method == "POST" else None


class SeatForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(),
        error_messages={"required": _("Choose the organisation that takes the seat")})
    specified_authority = forms.BooleanField(
        label=_("Specified authority under the Serious Violence Duty"), required=False)
    voting = forms.BooleanField(label=_("Votes on the executive board"), required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class SeatEditForm(forms.Form):
    specified_authority = forms.BooleanField(
        label=_("Specified authority under the Serious Violence Duty"), required=False)
    voting = forms.BooleanField(label=_("Votes on the executive board"), required=False)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={"required": _("Enter the email address of the person to invite"),
                        "invalid": _("Enter an email address in the correct format, like "
                                     "name@example.org")})
    seat = forms.ModelChoiceField(
        label=_("Organisation they represent"), queryset=Seat.objects.none(),
        error_messages={"required": _("Choose the organisation they represent")})
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a role")})

    def __init__(self, *args, seats=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = seats
        self.fields["seat"].label_from_instance = lambda seat: seat.organisation.name
        self.role_hints = {role.value: ROLES[role].summary for role in Role}


class MembershipForm(forms.Form):
    seat = forms.ModelChoiceField(label=_("Organisation they represent"),
                                  queryset=Seat.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)

    def __init__(self, *args, seats=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = seats
        self.fields["seat"].label_from_instance = lambda seat: seat.organisation.name


class PartnershipSettingsForm(forms.ModelForm):
    two_factor_roles = forms.MultipleChoiceField(
        label=_("Roles that must use two-factor authentication"), choices=Role.choices,
        widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = Partnership
        fields = ["name_cy", "suppression_threshold", "bilingual", "two_factor_roles"]

    def clean_suppression_threshold(self):
        value = self.cleaned_data["suppression_threshold"]
        if not 2 <= value <= 20:
            raise forms.ValidationError(_("Enter a threshold between 2 and 20"))
        return value


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150,
                                 error_messages={"required": _("Enter your first name")})
    last_name = forms.CharField(label=_("Last name"), max_length=150,
                                error_messages={"required": _("Enter your last name")})
    password = forms.CharField(label=_("Create a password"), widget=forms.PasswordInput,
                               help_text=_("At least 12 characters. Avoid common words."),
                               error_messages={"required": _("Create a password")})

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        from .models import User

        password = self.cleaned_data["password"]
        validate_password(password, User(email=self.email, username=self.email,
                                         first_name=self.data.get("first_name", ""),
                                         last_name=self.data.get("last_name", "")))
        return password


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Security code"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "spellcheck": "false"}),
        error_messages={"required": _("Enter the security code")})
