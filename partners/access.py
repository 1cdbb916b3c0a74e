"""The access layer: every page, API route and selector asks here.

Rules of the house:
- A partnership the user has no role in does not exist for them: 404, never 403.
- A partnership they are in, with too low a role for the page: 403.
- Querysets start from one `filter(Q(...))` on ids computed here, never from chained
  filters across the membership relation (which would widen the join).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Membership, Partnership
from .roles import ROLES, SUPERUSER_PERMS, Audience, Perm, Role, perms_for_roles

_CACHE_ATTR = "_svd_roles_by_partnership"


def roles_by_partnership(user) -> dict[int, frozenset[Role]]:
    """{partnership id: roles} for one user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        found: dict[int, set[Role]] = {}
        rows = Membership.objects.filter(user=user).values_list("seat__partnership_id", "role")
        for partnership_id, role in rows:
            found.setdefault(partnership_id, set()).add(Role(role))
        cached = {pid: frozenset(roles) for pid, roles in found.items()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user) -> None:
    """Drop the per-request cache after a change to the user's memberships."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_in(user, partnership: Partnership) -> frozenset[Role]:
    return roles_by_partnership(user).get(partnership.pk, frozenset())


def perms_in(user, partnership: Partnership) -> frozenset[Perm]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return SUPERUSER_PERMS
    return perms_for_roles(roles_in(user, partnership))


def audience_in(user, partnership: Partnership) -> Audience:
    """The audience whose disclosure rules apply to this user's view of the partnership's
    figures: the least restricted of their roles (a scrutiny member who is also an analyst
    prepares the figures, so sees them whole)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Audience.PARTNERSHIP
    audiences = {ROLES[Role(r)].audience for r in roles_in(user, partnership)}
    for audience in Audience:  # declared from least to most restricted
        if audience in audiences:
            return audience
    return Audience.PUBLIC


def has_perm(user, perm: Perm, partnership: Partnership) -> bool:
    return Perm(perm) in perms_in(user, partnership)


def partnership_ids(user, perm: Perm = Perm.VIEW_PARTNERSHIP) -> list[int] | None:
    """Ids of partnerships where the user has `perm`; None means every partnership."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    return [pid for pid, roles in roles_by_partnership(user).items()
            if Perm(perm) in perms_for_roles(roles)]


def partnerships(user, perm: Perm = Perm.VIEW_PARTNERSHIP) -> QuerySet[Partnership]:
    # SECURITY: starts from the ids the user holds the permission in; nothing else widens it.
    ids = partnership_ids(user, perm)
    if ids is None:
        return Partnership.objects.all()
    return Partnership.objects.filter(pk__in=ids)


def partnership_for(user, slug: str, perm: Perm = Perm.VIEW_PARTNERSHIP) -> Partnership:
    """The partnership named in the URL: 404 unless the user is in it, 403 without `perm`."""
    partnership = partnerships(user, Perm.VIEW_PARTNERSHIP).filter(slug=slug).first()
    if partnership is None:
        raise Http404("No such partnership")
    if not has_perm(user, perm, partnership):
        raise PermissionDenied
    return partnership


def object_for(queryset: QuerySet, partnership: Partnership, *, path: str = "partnership",
               **lookup):
    """An object that must belong to `partnership`: anything else is a 404."""
    # SECURITY: the partnership is part of the lookup, so another partnership's id 404s.
    obj = queryset.filter(**{path: partnership}, **lookup).first()
    if obj is None:
        raise Http404
    return obj


def organisations_for_upload(user, partnership: Partnership):
    """Organisations whose extracts this user may upload through this partnership.

    Analysts upload for any seated organisation (the agreement check comes later, in the
    ingest service); data providers only for the organisation whose seat they hold."""
    from .models import Organisation

    perms = perms_in(user, partnership)
    seated = Organisation.objects.filter(seats__partnership=partnership)
    if Perm.UPLOAD_FOR_PARTNERSHIP in perms:
        return seated
    if Perm.UPLOAD_OWN_ORGANISATION in perms:
        # SECURITY: only the seats through which this user holds the data provider role.
        own = Membership.objects.filter(user=user, seat__partnership=partnership,
                                        role=Role.DATA_PROVIDER).values("seat__organisation")
        return seated.filter(pk__in=own)
    return Organisation.objects.none()


def row_values_visible(user, partnership: Partnership, organisation) -> bool:
    """May this user read the raw cell values of an extract's rejected rows?

    Only those who could have uploaded it: the values are row-level data of the supplying
    organisation (its analysts and data providers check and correct them). Open data, with
    no supplier, to anyone who uploads for the partnership."""
    allowed = organisations_for_upload(user, partnership)
    if organisation is None:
        return allowed.exists()
    return allowed.filter(pk=organisation.pk).exists()


def two_factor_required(user) -> bool:
    """Superusers always; others when a partnership they hold a role in requires it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    by_partnership = roles_by_partnership(user)
    if not by_partnership:
        return False
    policies = Partnership.objects.filter(pk__in=by_partnership).values_list(
        "pk", "two_factor_roles")
    return any(set(by_partnership[pk]) & set(required) for pk, required in policies)
