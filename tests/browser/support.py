"""Helpers for the browser suite: page checks (axe, CSP, failed loads, screenshots), sign-in."""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import ConsoleMessage, Page, Request, Response

from partners import demo
from partners.navigation import PARTNERSHIP_NAV
from partners.roles import ROLES, SUPERUSER_PERMS, Role

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(os.environ.get("SVD_SCREENSHOTS") or ROOT / "test-results" / "screenshots")

# Files every page must load (base.html): the stylesheet, the app's module and GOV.UK Frontend.
REQUIRED_ASSETS = ("/static/build/app.css", "/static/js/app.js",
                   "/static/govuk/govuk-frontend.min.js")


@dataclass
class PageTracker:
    """What the browser reported for one page (tab) since the last check_page."""

    test_name: str
    shots: list[int]  # shared by the test's pages, so screenshots number in order
    problems: list[str] = field(default_factory=list)
    # URL -> status of main-frame documents: an error status is judged by check_page(status=...).
    documents: dict[str, int] = field(default_factory=dict)
    console_load_errors: list[tuple[str, str]] = field(default_factory=list)
    assets: dict[str, int] = field(default_factory=dict)

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text:
            self.problems.append(f"CSP violation: {text}")
        elif "Failed to load resource" in text:
            # Judged at check time: a document's own error status may be expected (403, 404).
            self.console_load_errors.append((message.location.get("url", ""), text))
        elif message.type == "error":
            self.problems.append(f"console error: {text} ({message.location.get('url', '')})")

    def _on_response(self, response: Response) -> None:
        request = response.request
        path = urlsplit(response.url).path
        if path in REQUIRED_ASSETS:
            self.assets[path] = response.status
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.documents[response.url] = response.status
        elif response.status >= 400:
            self.problems.append(f"resource {response.status}: {request.method} {response.url}")

    def _on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # A request cut short by the next navigation (net::ERR_ABORTED) did not fail.
        if "ERR_ABORTED" not in failure:
            self.problems.append(f"request failed ({failure}): {request.method} {request.url}")

    def reset(self) -> None:
        self.problems.clear()
        self.documents.clear()
        self.console_load_errors.clear()
        self.assets.clear()


# --- What the role table and the catalogue say -------------------------------------------

SPECS = {spec.username: spec for spec in demo.USERS}
NAV_LINKS = ".govuk-service-navigation__list a.govuk-service-navigation__link"


def perms_of(username: str):
    spec = SPECS.get(username)
    return SUPERUSER_PERMS if spec is None else ROLES[Role(spec.role)].perms


def language_of(username: str) -> str:
    spec = SPECS.get(username)
    return (spec.language if spec else "") or "en-gb"


def expected_nav(username: str, slug: str, language: str = "en-gb") -> list[list[str]]:
    """[label, href] of the partnership navigation the role table gives this demo user."""
    return nav_for_perms(perms_of(username), slug, language)


def nav_for_perms(perms, slug: str, language: str = "en-gb") -> list[list[str]]:
    with translation.override(language):
        return [[str(item.label), reverse(item.url_name, kwargs={"slug": slug})]
                for item in PARTNERSHIP_NAV if item.perm in perms]


def nav_links(page) -> list[list[str]]:
    return page.locator(NAV_LINKS).evaluate_all(
        "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])")


def tracker_of(page: Page) -> PageTracker:
    return page._svd_tracker  # set by the new_page fixture


def file_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "root"


def screenshot(page: Page, label: str = "") -> Path:
    tracker = tracker_of(page)
    tracker.shots[0] += 1
    path_part = file_safe(urlsplit(page.url).path)
    name = f"{tracker.shots[0]:02d}_{path_part}{'_' + file_safe(label) if label else ''}.png"
    target = SCREENSHOTS / file_safe(tracker.test_name) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')}  [{v.get('helpUrl')}]")
        for node in v.get("nodes", [])[:10]:
            target = " ".join(json.dumps(t) if not isinstance(t, str) else t
                              for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary[:300]}")
    return "\n".join(lines)


# axe reports GOV.UK Frontend's enhanced file upload button (govuk-frontend 5.10+) under
# label-content-name-mismatch: its visible spans ("No file chosen", "Choose file or drop file")
# have no whitespace between them, so axe reads "No file chosenChoose file", which is not in
# the accessible name "Files, No file chosen, Choose file or drop file" (aria-labelledby:
# label + the button itself). WCAG 2.5.3 asks that the visible label be part of the name, so
# such a node is dropped only after checking, word for word, that it is.
_FILTER_KNOWN_FALSE_POSITIVES = """(violations) => {
    const words = text => text.toLowerCase().replace(/[^\\p{L}\\p{N}]+/gu, " ").trim();
    const visibleText = el => {
        const parts = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.parentElement.closest(".govuk-visually-hidden")) parts.push(node.data);
        }
        return words(parts.join(" "));
    };
    axe.setup(document);
    try {
        for (const v of violations) {
            if (v.id !== "label-content-name-mismatch") continue;
            v.nodes = v.nodes.filter(n => {
                const el = document.querySelector(n.target[0]);
                if (!el || !el.classList.contains("govuk-file-upload-button")) return true;
                const name = words(axe.commons.text.accessibleTextVirtual(
                    axe.utils.getNodeFromTree(el)));
                const visible = visibleText(el);
                return !(visible && (" " + name + " ").includes(" " + visible + " "));
            });
        }
    } finally {
        axe.teardown();
    }
    return violations.filter(v => v.nodes.length);
}"""


@functools.cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def run_axe(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's CSP (no inline script)
        # does not apply and need not be relaxed.
        page.evaluate(_axe_source())
        page.evaluate("() => axe.configure({noHtml: true})")  # results without HTML: faster
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))
            }));
        }""",
        AXE_TAGS,
    )
    if violations:
        violations = page.evaluate(_FILTER_KNOWN_FALSE_POSITIVES, violations)
    return violations


def check_page(page: Page, status: int = 200, label: str = "") -> None:
    """Check the page now shown: its status, axe (WCAG 2.2 AA), no CSP violation, no failed
    load, the stylesheet and scripts applied; then take a full-page screenshot."""
    page.wait_for_load_state("load")
    tracker = tracker_of(page)
    problems = list(tracker.problems)

    current = page.url
    doc_status = tracker.documents.get(current)
    if doc_status is not None and doc_status != status:
        problems.append(f"document {current} answered {doc_status}, expected {status}")
    allowed = {current} if status >= 400 else set()
    for url, doc in tracker.documents.items():
        if doc >= 400 and url not in allowed:
            problems.append(f"document {doc}: {url}")
    for url, text in tracker.console_load_errors:
        if url not in allowed and url not in {u for u, s in tracker.documents.items() if s >= 400}:
            problems.append(f"console: {text} ({url})")
    for asset, asset_status in tracker.assets.items():
        if asset_status >= 400:
            problems.append(f"{asset} answered {asset_status}")

    # The stylesheet and the scripts really applied (they may come from the memory cache).
    applied = page.evaluate(
        """(assets) => {
            const sheet = [...document.styleSheets].find(
                s => s.href && new URL(s.href).pathname === assets[0]);
            let rules = 0;
            try { rules = sheet ? sheet.cssRules.length : 0; } catch (e) { rules = -1; }
            return {
                css_rules: rules,
                js_enabled: document.body.classList.contains("js-enabled"),
                govuk_supported: document.body.classList.contains("govuk-frontend-supported"),
                scripts: [...document.scripts].map(s => s.src ? new URL(s.src).pathname : "inline"),
            };
        }""",
        list(REQUIRED_ASSETS),
    )
    if applied["css_rules"] < 100:
        problems.append(f"{REQUIRED_ASSETS[0]} not applied (rules: {applied['css_rules']})")
    if not (applied["js_enabled"] and applied["govuk_supported"]):
        problems.append(f"{REQUIRED_ASSETS[1]} (with {REQUIRED_ASSETS[2]}) did not run: "
                        f"body classes lack js-enabled/govuk-frontend-supported")
    if REQUIRED_ASSETS[1] not in applied["scripts"]:
        problems.append(f"{REQUIRED_ASSETS[1]} is not on the page")

    violations = run_axe(page)
    shot = screenshot(page, "_".join(str(x) for x in (status if status != 200 else "", label)
                                     if x))
    tracker.reset()
    if violations:
        problems.append(f"axe found {len(violations)} WCAG 2.2 AA violation(s):\n"
                        + _format_violations(violations))
    if problems:
        pytest.fail(f"check_page({current}) [screenshot {shot}]:\n" + "\n".join(problems),
                    pytrace=False)


def submit(page: Page, selector: str = "main form button[type=submit]") -> Response | None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation(wait_until="load") as navigation:
        page.locator(selector).click()
    return navigation.value


def goto(page: Page, url: str, status: int = 200, label: str = "") -> Response:
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    assert response.status == status, f"{url}: expected {status}, got {response.status}"
    check_page(page, status=status, label=label)
    return response


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def login(page: Page, base_url: str, username: str, password: str | None = None,
          expect_two_factor: bool | None = None, on_two_factor=None) -> None:
    """Sign in through the form, with the demo user's current code if asked for one."""
    goto(page, f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or demo.DEMO_PASSWORD)
    submit(page)
    asked = path_of(page) == "/accounts/two-factor/verify/"
    if expect_two_factor is not None:
        assert asked == expect_two_factor, (
            f"{username}: two-factor verification {'was' if asked else 'was not'} asked for "
            f"(expected {expect_two_factor}); now at {page.url}")
    if asked:
        check_page(page)
        if on_two_factor is not None:
            on_two_factor(page)
        page.fill("#id_token", demo.current_code(username))
        submit(page)
        assert path_of(page) != "/accounts/two-factor/verify/", (
            f"{username}: the security code was refused")
    check_page(page)
