"""The demo's French wording of its relationship survey. Demo customers in France and Quebec
(locales fr-FR, fr-CA) read it in French; so does anyone whose browser prefers French."""

from __future__ import annotations

from typing import Any

LANGUAGE = "fr"
NBSP = "\u00a0"  # French puts a no-break space before ? and !
APOSTROPHE = "\u2019"  # the typographic one

# By the demo survey's slug: (the survey's own texts, each question's by key). The choices are
# labels for responses.DEPARTMENTS, in its order.
FRENCH: dict[str, tuple[dict[str, str], dict[str, dict[str, Any]]]] = {
    "nps": (
        {"title": "Votre avis sur Northwind Apparel"},
        {
            "nps": {
                "text": f"Quelle est la probabilité que vous recommandiez Northwind Apparel à un "
                f"ami{NBSP}?",
                "comment_prompt": f"Quelle est la principale raison de votre note{NBSP}?",
            },
            "fit": {
                "text": f"Est-il facile de trouver des vêtements qui vous vont bien{NBSP}?",
            },
            "department": {
                "text": f"Qu{APOSTROPHE}achetez-vous le plus souvent chez nous{NBSP}?",
                "choices": [
                    "Hauts",
                    "Robes",
                    "Pantalons et jupes",
                    f"Lingerie et tenues d{APOSTROPHE}intérieur",
                    "Vestes et manteaux",
                    "Collections de saison",
                ],
            },
        },
    ),
}
