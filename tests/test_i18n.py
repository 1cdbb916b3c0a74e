"""English and Welsh: the Welsh catalogue is complete and the compiled .mo matches it."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

PO = Path(__file__).resolve().parent.parent / "locale" / "cy" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO))


def test_welsh_catalogue_is_complete(catalogue):
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()


def test_compiled_catalogue_matches_the_source(catalogue):
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in catalogue
              if not e.obsolete}
    built = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled
             if e.msgid}
    assert built == source, "run `make messages` to recompile locale/cy/LC_MESSAGES/django.mo"


def test_placeholders_survive_translation(catalogue):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in catalogue:
        wanted = sorted(pattern.findall(entry.msgid))
        texts = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in texts:
            assert sorted(set(pattern.findall(text))) == sorted(set(wanted)), entry.msgid


def test_sign_in_page_in_welsh(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("login")).content.decode()
    with translation.override("cy"):
        assert translation.gettext("Skip to main content") in page
        assert translation.gettext("Accessibility statement") in page
    assert '<html lang="cy"' in page
    assert "English" in page  # the switch back


def test_navigation_in_welsh(as_user, world, settings):
    client = as_user(world.users["partnership_admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("partnership", kwargs={"slug": world.home.slug})).content.decode()
    with translation.override("cy"):
        for label in ("Overview", "People", "Seats", "Audit history"):
            welsh = translation.gettext(label)
            assert welsh != label and welsh in page
