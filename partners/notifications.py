from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Invitation


def _render(template: str, context: dict, languages: list[str]) -> list[str]:
    rendered = []
    for language in languages:
        with translation.override(language):
            rendered.append(render_to_string(template, context).strip())
    return rendered


def invitation_email(invitation: Invitation, token: str) -> EmailMessage:
    """The invitation, in English and, for a bilingual partnership, in Welsh too."""
    partnership = invitation.seat.partnership
    link = settings.SITE_URL.rstrip("/") + reverse("invitation", kwargs={"token": token})
    languages = ["cy", "en-gb"] if partnership.bilingual else ["en-gb"]
    context = {"invitation": invitation, "partnership": partnership, "link": link}
    subject = " / ".join(_render("partners/email/invitation_subject.txt", context, languages))
    body = "\n\n----------\n\n".join(
        _render("partners/email/invitation_body.txt", context, languages))
    return EmailMessage(subject=subject, body=body + "\n", to=[invitation.email])
