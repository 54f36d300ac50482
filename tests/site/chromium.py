"""Debian's headless Chromium through the system chromedriver, set up one way for the browser tests
and the page-load benchmark (``benchmarks/throttled_load.py``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
    "--disable-extensions",
    "--no-first-run",
)


def headless_chromium(*, console_logs: bool = False) -> Any:
    """A started headless Chromium driver (1400x1000). The driver is named explicitly, so Selenium
    never looks for or downloads one, and SE_AVOID_STATS keeps it from sending usage statistics;
    ``console_logs`` keeps the page's console messages for ``driver.get_log("browser")``."""
    os.environ["SE_AVOID_STATS"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ARGS:
        options.add_argument(arg)
    if console_logs:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
