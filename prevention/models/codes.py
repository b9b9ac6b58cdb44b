"""Validators of the coded strings the app stores instead of text."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# An H3 cell of resolution 9, as the 15-character hexadecimal string of h3.
h3_r9 = RegexValidator(r"^89[0-9a-f]{13}$", _("Cellule H3 de résolution 9 invalide."))
# A partner's own identifier of a row (import key): letters, digits, - _ . only.
external_key = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
    _("Identifiant invalide : lettres, chiffres, - _ . (40 caractères au plus)."),
)
# A code of the contract's referential, e.g. "1.2" (priority) or "1.2.3" (action).
contract_code = RegexValidator(
    r"^\d{1,2}(\.\d{1,2}){1,2}$", _("Code du contrat invalide (ex. 1.2 ou 1.2.3).")
)
