from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from . import access
from .roles import Perm


def partnership_view(*perms: Perm):
    """Resolve /p/<slug>/ through the access layer: 404 outside the partnership, 403
    unless the user holds one of `perms` there. The view receives the partnership."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            # Attach the partnership first, so that a 403 page still shows its navigation.
            request.partnership = access.partnership_for(request.user, slug)
            if not set(perms) & access.perms_in(request.user, request.partnership):
                raise PermissionDenied
            return view(request, request.partnership, *args, **kwargs)

        wrapper.required_perms = frozenset(perms)
        return wrapper

    return decorate
