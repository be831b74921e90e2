"""Themes: found in an organization's own texts, named in plain words, assigned incrementally.

Pure algorithms (numpy, scipy, scikit-learn); persistence lives in earful.insights.services.
"""

from earful.insights.themes.assignment import assign
from earful.insights.themes.discovery import discover_themes
from earful.insights.themes.theme_set import NO_THEME, Theme, ThemeSet

__all__ = ["NO_THEME", "Theme", "ThemeSet", "assign", "discover_themes"]
