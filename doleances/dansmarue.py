"""Placing DansMaRue report types onto our taxonomy.

The `DansMaRueType` table (fixture `paris_taxonomy_dansmarue.json`) maps each entry of the
DansMaRue referential to one of our categories. The open-data exports do not spell types like
the referential does: "Voirie et espace public" / "Trottoirs : Affaissement, trou…" for
"Voirie et déplacements > Trottoirs > Affaissement, trou…", older exports "Trottoirs:Revêtement
manquant", and sub-types retired from the referential. `DansMaRueClassifier` matches labels
after normalisation (accents, case, punctuation, plurals), from the most precise to the least:
the sub-type as the end of a referential path, one of its segments as a referential label, a
few retired tranquillity labels, the type as a referential root, and finally the catch-all
category.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from doleances.models import Category, DansMaRueType

FALLBACK_CATEGORY = "autre-espace-public"

# Retired DansMaRue sub-types that belong to a tranquillity category and have no counterpart
# in the current referential (parking, wrecks, urine...): every word of a rule must appear.
RETIRED_LABEL_RULES: tuple[tuple[frozenset[str], str], ...] = tuple(
    (frozenset(words.split()), code)
    for words, code in (
        ("deux roue stationnement", "deux-roues-motorises"),
        ("deux roue motorise", "deux-roues-motorises"),
        ("stationnement genant", "stationnement-dangereux"),
        ("stationnement dangereux", "stationnement-dangereux"),
        ("epave", "vehicules-abandonnes"),
        ("urine", "epanchement-urine"),
        ("dejection", "dejections-canines"),
        ("megot", "megots"),
        ("encombrant", "depots-sauvages"),
        ("vente sauvette", "vente-sauvette"),
        ("graffiti", "graffitis"),
        ("affiche", "graffitis"),
        ("autocollant", "graffitis"),
    )
)

# Words that carry no meaning when comparing a type with a referential root.
_STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "autre",
    ]
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def normalize(text: str) -> str:
    """Lower case, no accents, words only, singular: "Trottoirs : Pavé" → "trottoir pave"."""
    text = unicodedata.normalize("NFKD", (text or "").replace("œ", "oe").replace("Œ", "oe"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(_singular(word) for word in _NON_WORD.split(text) if word)


def _words(text: str) -> set[str]:
    return {word for word in normalize(text).split() if word not in _STOPWORDS}


@dataclass(frozen=True)
class DansMaRueMatch:
    category: Category
    dmr_type: DansMaRueType | None
    # False when only the type root or the catch-all category could place the label.
    recognised: bool


class DansMaRueClassifier:
    """Classifies (type, sub-type) labels of DansMaRue exports; one instance per import."""

    def __init__(self):
        types = list(DansMaRueType.objects.select_related("category"))
        self._by_suffix: dict[str, list[DansMaRueType]] = {}
        self._roots: list[tuple[DansMaRueType, set[str]]] = []
        for dmr_type in types:
            segments = [normalize(segment) for segment in dmr_type.path.split(" > ")]
            for k in range(1, len(segments) + 1):
                self._by_suffix.setdefault(" ".join(segments[-k:]), []).append(dmr_type)
            if dmr_type.parent_id is None:
                self._roots.append((dmr_type, _words(dmr_type.label)))
        self._root_words = {root.label: words for root, words in self._roots}
        self._categories = {c.code: c for c in Category.objects.all()}
        self._cache: dict[tuple[str, str], DansMaRueMatch] = {}

    def classify(self, type_label: str, subtype_label: str) -> DansMaRueMatch:
        key = (type_label, subtype_label)
        match = self._cache.get(key)
        if match is None:
            match = self._cache[key] = self._classify(type_label, subtype_label)
        return match

    def _classify(self, type_label: str, subtype_label: str) -> DansMaRueMatch:
        segments = [normalize(segment) for segment in re.split(r"[:>]", subtype_label or "")]
        segments = [segment for segment in segments if segment]
        whole = " ".join(segments)
        type_norm = normalize(type_label)
        candidates = self._by_suffix.get(whole) if whole else None
        if not candidates and type_norm:
            candidates = self._by_suffix.get(f"{type_norm} {whole}".strip())
        if not candidates:
            for segment in reversed(segments):
                candidates = self._by_suffix.get(segment)
                if candidates:
                    break
        if candidates:
            best = self._best(candidates, _words(type_label))
            return DansMaRueMatch(best.category, best, True)
        words = set(whole.split())
        for required, code in RETIRED_LABEL_RULES:
            if required <= words and code in self._categories:
                return DansMaRueMatch(self._categories[code], None, True)
        root = self._root_for(type_label)
        if root is not None:
            return DansMaRueMatch(root.category, root, False)
        return DansMaRueMatch(self._categories[FALLBACK_CATEGORY], None, False)

    def _best(self, candidates: list[DansMaRueType], type_words: set[str]) -> DansMaRueType:
        """Among same-label entries, the one under the export's type, active, shallowest."""

        def rank(dmr_type: DansMaRueType):
            root_words = self._root_words.get(dmr_type.path.split(" > ")[0], set())
            return (
                -len(type_words & root_words),
                not dmr_type.is_active,
                dmr_type.path.count(" > "),
                dmr_type.dmr_id,
            )

        return min(candidates, key=rank)

    def _root_for(self, type_label: str) -> DansMaRueType | None:
        """The referential root sharing most words with an export type ("Voirie et espace
        public" → "Voirie et déplacements"), active roots first; None if none shares any."""
        type_words = _words(type_label)
        best, best_key = None, (0,)
        for root, words in self._roots:
            shared = len(type_words & words)
            key = (shared, root.is_active)
            if shared and key > best_key:
                best, best_key = root, key
        return best
