"""Browser tests: the built site in Debian's chromium through Playwright (see conftest.py)."""
