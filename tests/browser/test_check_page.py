"""check_page itself: it must fail on an axe violation, a CSP violation and a failed load,
so that a green suite means the pages were really checked."""

import pytest
from django.urls import reverse

from .support import check_page, goto

pytestmark = pytest.mark.browser


def test_check_page_catches_problems(tab, site):
    page = tab
    url = site + reverse("accessibility")
    goto(page, url)

    # An image without a text alternative (axe rule image-alt, WCAG 1.1.1).
    page.evaluate("""() => {
        const img = document.createElement('img');
        img.src = '/static/images/favicon.svg';
        document.querySelector('main').appendChild(img);
    }""")
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        check_page(page, label="planted-axe")

    # A file upload button whose name lacks its visible text is still caught, although
    # GOV.UK's own enhanced file upload button is let through once checked (see support.py).
    page.goto(url, wait_until="load")
    page.evaluate("""() => {
        const b = document.createElement('button');
        b.className = 'govuk-file-upload-button';
        b.setAttribute('aria-label', 'Send');
        b.textContent = 'Choose file';
        document.querySelector('main').appendChild(b);
    }""")
    with pytest.raises(pytest.fail.Exception, match="label-content-name-mismatch"):
        check_page(page, label="planted-name-mismatch")

    # An inline script, which the Content-Security-Policy refuses.
    page.goto(url, wait_until="load")
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.planted = 1';
        document.body.appendChild(s);
    }""")
    page.wait_for_timeout(200)
    with pytest.raises(pytest.fail.Exception, match="CSP violation"):
        check_page(page, label="planted-csp")

    # A missing stylesheet: a 404 for a resource.
    page.goto(url, wait_until="load")
    page.evaluate("""() => new Promise(resolve => {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = '/static/build/missing.css';
        link.onload = link.onerror = resolve;
        document.head.appendChild(link);
    })""")
    with pytest.raises(pytest.fail.Exception, match="404"):
        check_page(page, label="planted-404")

    # A document that answers with an unexpected status.
    page.goto(site + "/no-such-page/", wait_until="load")
    with pytest.raises(pytest.fail.Exception, match="expected 200"):
        check_page(page, label="unexpected-404")

    # And a clean page passes again.
    goto(page, url)
