"""Models the API loads on first use and then keeps for the life of the process.

The triage model is loaded when the app is built (every request needs it). Categorisers, the
action suggester and the theme model are loaded by the first request that needs them, once,
under a lock, so a service that only triages never pays for them. Tests pass their own in through ``create_app``.
"""
from __future__ import annotations

import threading
from typing import Any


class LazyModels:
    def __init__(
        self,
        *,
        categorisers: dict[str, Any] | None = None,
        suggester: Any = None,
        log: str | None = None,
        theme_folder: str | None = None,
    ):
        self._categorisers = dict(categorisers or {})
        self._suggester = suggester
        self.log = log
        self.theme_folder = theme_folder
        self._theme_model = None
        self._lock = threading.Lock()

    def categoriser(self, taxonomy_id: str):
        """The categoriser of a built-in taxonomy (ConfigError naming the available ones otherwise)."""
        if taxonomy_id in self._categorisers:
            return self._categorisers[taxonomy_id]
        from complaint_insight.taxonomy import shared_categoriser

        return shared_categoriser(taxonomy_id)  # loaded once per process, shared with the suggester

    def suggester(self):
        if self._suggester is None:
            with self._lock:
                if self._suggester is None:
                    from complaint_insight.actions.suggest import default_suggester

                    suggester = default_suggester()
                    suggester.suggest("warm-up: the ward was noisy at night", k=1)  # builds its index
                    self._suggester = suggester
        return self._suggester

    def theme_model(self):
        """The saved theme model named by the settings, or None when none is configured."""
        if self._theme_model is None and self.theme_folder:
            with self._lock:
                if self._theme_model is None:
                    from complaint_insight.themes import load_theme_model

                    self._theme_model = load_theme_model(self.theme_folder)
        return self._theme_model
