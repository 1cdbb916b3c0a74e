"""Partnership pages. Each one resolves its partnership through the access layer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, selectors, services
from .decorators import partnership_view
from .forms import (
    InvitationForm,
    MembershipForm,
    PartnershipSettingsForm,
    SeatEditForm,
    SeatForm,
    posted,
)
from .models import Invitation, Membership, Seat
from .roles import Perm, Role


@login_required
def home(request):
    memberships = selectors.my_memberships(request.user)
    if len(memberships) == 1 and not request.user.is_superuser:
        return redirect("partnership", slug=memberships[0]["partnership"].slug)
    return render(request, "partners/home.html", {"memberships": memberships})


@partnership_view(Perm.VIEW_PARTNERSHIP)
def partnership(request, partnership):
    roles = access.roles_in(request.user, partnership)
    perms = access.perms_in(request.user, partnership)
    people = selectors.people_by_seat(partnership) if Perm.VIEW_MEMBERS in perms else {}
    seats = list(selectors.seats_of(partnership))
    for seat in seats:
        seat.people_list = people.get(seat.pk, [])
    context = {
        "partnership": partnership,
        "area": selectors.area_names(partnership),
        "my_memberships": selectors.members_of(partnership).filter(user=request.user),
        "seats": seats,
        "links": selectors.links_of(partnership),
        "coverage": selectors.specified_coverage(partnership),
        "can_see_people": Perm.VIEW_MEMBERS in perms,
        "attention": (selectors.admin_attention(partnership)
                      if Perm.MANAGE_MEMBERS in perms else None),
        "is_board": bool(roles & {Role.BOARD_MEMBER, Role.CHAIR}),
        "is_scrutiny": Role.SCRUTINY_MEMBER in roles,
    }
    return render(request, "partners/partnership.html", context)


@partnership_view(Perm.VIEW_MEMBERS)
def people(request, partnership):
    can_manage = access.has_perm(request.user, Perm.MANAGE_MEMBERS, partnership)
    return render(request, "partners/people.html", {
        "members": selectors.members_of(partnership),
        "invitations": selectors.pending_invitations(partnership) if can_manage else [],
        "with_two_factor": selectors.members_with_two_factor(partnership) if can_manage else set(),
        "can_manage": can_manage,
    })


@partnership_view(Perm.MANAGE_MEMBERS)
def invite(request, partnership):
    form = InvitationForm(posted(request), seats=selectors.seats_of(partnership))
    if request.method == "POST" and form.is_valid():
        invitation = services.invitation_create(
            seat=form.cleaned_data["seat"], role=form.cleaned_data["role"],
            email=form.cleaned_data["email"], invited_by=request.user)
        messages.success(request, _("Invitation sent to %(email)s. The link works once and "
                                    "expires on %(date)s.") % {
            "email": invitation.email, "date": invitation.expires_at.strftime("%d %B %Y")})
        return redirect("people", slug=partnership.slug)
    return render(request, "partners/invite.html", {"form": form})


@partnership_view(Perm.MANAGE_MEMBERS)
@require_POST
def invitation_revoke(request, partnership, pk):
    invitation = access.object_for(Invitation.objects.pending(), partnership,
                                   path="seat__partnership", pk=pk)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("people", slug=partnership.slug)


@partnership_view(Perm.MANAGE_MEMBERS)
def membership_edit(request, partnership, pk):
    membership = access.object_for(Membership.objects.select_related("user"), partnership,
                                   path="seat__partnership", pk=pk)
    form = MembershipForm(posted(request), seats=selectors.seats_of(partnership),
                          initial={"seat": membership.seat, "role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change(membership=membership, seat=form.cleaned_data["seat"],
                                       role=form.cleaned_data["role"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s's role was changed.") % {
                "name": membership.user})
            return redirect("people", slug=partnership.slug)
    return render(request, "partners/membership_edit.html",
                  {"form": form, "membership": membership})


@partnership_view(Perm.MANAGE_MEMBERS)
def membership_remove(request, partnership, pk):
    membership = access.object_for(Membership.objects.select_related("user", "seat"),
                                   partnership, path="seat__partnership", pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("%(name)s no longer holds the role %(role)s.") % {
                "name": membership.user, "role": membership.get_role_display()})
            return redirect("people", slug=partnership.slug)
    return render(request, "partners/confirm_remove.html", {
        "error": error, "cancel_url": "people",
        "title": _("Remove %(name)s's role?") % {"name": membership.user},
        "body": _("%(name)s will no longer be %(role)s for %(org)s in this partnership.") % {
            "name": membership.user, "role": membership.get_role_display(),
            "org": membership.seat.organisation},
    })


@partnership_view(Perm.MANAGE_MEMBERS)
@require_POST
def two_factor_reset(request, partnership, pk):
    membership = access.object_for(Membership.objects.select_related("user"), partnership,
                                   path="seat__partnership", pk=pk)
    try:
        services.two_factor_reset(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("%(name)s's two-factor authentication was reset. They "
                                    "set it up again when they next sign in.") % {
            "name": membership.user})
    return redirect("people", slug=partnership.slug)


@partnership_view(Perm.MANAGE_SEATS)
def seats(request, partnership):
    return render(request, "partners/seats.html", {
        "seats": selectors.seats_of(partnership),
        "coverage": selectors.specified_coverage(partnership),
    })


@partnership_view(Perm.MANAGE_SEATS)
def seat_add(request, partnership):
    form = SeatForm(posted(request),
                    organisations=selectors.organisations_available(partnership),
                    initial={"specified_authority": True, "voting": True})
    if request.method == "POST" and form.is_valid():
        seat = services.seat_add(partnership=partnership, **form.cleaned_data)
        messages.success(request, _("%(org)s now has a seat.") % {"org": seat.organisation})
        return redirect("seats", slug=partnership.slug)
    return render(request, "partners/seat_form.html", {"form": form, "seat": None})


@partnership_view(Perm.MANAGE_SEATS)
def seat_edit(request, partnership, pk):
    seat = access.object_for(Seat.objects.select_related("organisation"), partnership, pk=pk)
    form = SeatEditForm(posted(request), initial={
        "specified_authority": seat.specified_authority, "voting": seat.voting})
    if request.method == "POST" and form.is_valid():
        services.seat_update(seat=seat, **form.cleaned_data)
        messages.success(request, _("%(org)s's seat was updated.") % {"org": seat.organisation})
        return redirect("seats", slug=partnership.slug)
    return render(request, "partners/seat_form.html", {"form": form, "seat": seat})


@partnership_view(Perm.MANAGE_SEATS)
def seat_remove(request, partnership, pk):
    seat = access.object_for(Seat.objects.select_related("organisation"), partnership, pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.seat_remove(seat=seat)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("%(org)s's seat was removed.") % {
                "org": seat.organisation})
            return redirect("seats", slug=partnership.slug)
    return render(request, "partners/confirm_remove.html", {
        "error": error, "cancel_url": "seats",
        "title": _("Remove %(org)s's seat?") % {"org": seat.organisation},
        "body": _("The organisation stays in the platform and keeps its seats in other "
                  "partnerships."),
    })


@partnership_view(Perm.MANAGE_SETTINGS)
def partnership_settings(request, partnership):
    form = PartnershipSettingsForm(posted(request), instance=partnership)
    if request.method == "POST" and form.is_valid():
        services.partnership_settings_update(partnership=partnership, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("partnership_settings", slug=partnership.slug)
    return render(request, "partners/settings.html", {"form": form})


@partnership_view(Perm.VIEW_AUDIT)
def audit(request, partnership):
    page = Paginator(selectors.audit_entries(partnership), 50).get_page(request.GET.get("page"))
    return render(request, "partners/audit.html", {"page": page})
