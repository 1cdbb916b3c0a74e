from django.conf import settings

from . import navigation as nav


def navigation(request) -> dict:
    """The current partnership's navigation, built from the role table."""
    partnership = getattr(request, "partnership", None)
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated and partnership is not None:
        match = getattr(request, "resolver_match", None)
        items = nav.items_for(user, partnership, match.url_name if match else "")
    return {"nav_items": items, "current_partnership": partnership,
            "languages": settings.LANGUAGES}
