"""Sign-in with OpenID Connect in a real browser (Chromium), the provider on loopback under another
site name ("localhost" against the app's 127.0.0.1), so the cross-site return is what a browser does
with Keycloak or Entra ID: the SameSite=Strict session cookie works after it, logout ends both sign-ins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.web.conftest import LiveServer, make_web_settings, start_server
from tests.web.oidc_provider import OidcProvider
from tests.web.test_browser import SCREENSHOTS, Session, browser  # noqa: F401  (the browser fixture)
from tests.web.test_oidc import IDP_USERS, oidc_settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cross_site_provider() -> Iterator[OidcProvider]:
    started = OidcProvider(IDP_USERS, host="localhost").start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def oidc_app(
    cross_site_provider: OidcProvider,
    indexed_corpus_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    module_stack: dict[str, str],
) -> Iterator[LiveServer]:
    target = tmp_path_factory.mktemp("oidc-browser") / "var"
    server = start_server(
        make_web_settings(indexed_corpus_dir, target, **oidc_settings(cross_site_provider), **module_stack)
    )
    yield server
    server.stop()


def test_sign_in_and_out_through_the_provider(
    browser: Browser,  # noqa: F811
    oidc_app: LiveServer,
    cross_site_provider: OidcProvider,
) -> None:
    session = Session(browser, oidc_app)
    page = session.open("/chat")
    expect(page).to_have_url(f"{oidc_app.url}/login?next=/chat")
    page.click("#oidc-login")
    expect(page.get_by_role("heading", name="Testanbieter: Anmeldung")).to_be_visible()
    assert page.url.startswith(cross_site_provider.url + "/authorize?")
    page.fill("#username", "m.muster")
    page.click("text=Beim Anbieter anmelden")
    # Back at the app, signed in, on the page the sign-in started from.
    expect(page).to_have_url(f"{oidc_app.url}/chat")
    expect(page.locator(".account-name")).to_contain_text("m.muster")
    expect(page.locator("#question")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "oidc-signed-in.png"), full_page=True)
    page.reload()  # the session cookie is sent on same-site requests from here on
    expect(page.locator(".account-name")).to_contain_text("m.muster")

    page.click("text=Abmelden")
    expect(page).to_have_url(f"{oidc_app.url}/login")
    assert (
        cross_site_provider.logouts
        and cross_site_provider.logouts[-1]["client_id"] == "jugendhilfe-assistent"
    )
    assert cross_site_provider.logouts[-1]["post_logout_redirect_uri"] == f"{oidc_app.url}/login"
    session.open("/chat")
    expect(page).to_have_url(f"{oidc_app.url}/login?next=/chat")
    assert not session.problems, session.problems
    session.context.close()
