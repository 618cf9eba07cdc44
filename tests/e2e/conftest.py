"""A real headless Chromium (Debian's chromium and chromium-driver) driven by Selenium, a fresh profile each."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real headless Chromium (see scripts/ensure-test-tools.sh)")


@pytest.fixture(autouse=True)
def desk_defaults(desk_defaults: None) -> None:
    """The verdict scale and the roles for every browser test (tests/conftest.py)."""


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def browser() -> Iterator[Callable[[str], webdriver.Chrome]]:
    """Opens a headless Chromium whose Accept-Language is the given language; all are closed after the test."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is not installed: run scripts/ensure-test-tools.sh (make test does).")
    drivers: list[webdriver.Chrome] = []
    profiles: list[str] = []

    def open_browser(language: str) -> webdriver.Chrome:
        profile = tempfile.mkdtemp(prefix="fc-chromium-")
        profiles.append(profile)
        options = webdriver.ChromeOptions()
        # The system browser and driver, so that Selenium Manager never downloads anything.
        options.binary_location = str(CHROMIUM)
        for flag in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1024,1000",
            f"--user-data-dir={profile}",
            f"--lang={language}",
        ):
            options.add_argument(flag)
        # --lang alone does not set Accept-Language in headless mode; the profile preference does.
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
        # The console, where Chromium reports what the Content-Security-Policy blocked (csp_violations()).
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
        driver.set_page_load_timeout(30)
        drivers.append(driver)
        return driver

    yield open_browser
    for driver in drivers:
        driver.quit()
    for profile in profiles:
        shutil.rmtree(profile, ignore_errors=True)
