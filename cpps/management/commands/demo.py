import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from accounts.demo import DEMO_ACCOUNTS, create_demo_accounts
from contrat.demo import create_demo_indicators
from doleances.bulk import file_complaints
from doleances.demo import complaint_inputs, generate
from doleances.models import Category, Complaint
from observatoire.services import refresh as refresh_observatory
from prevention.demo import create_demo_prevention
from territory.models import Quartier
from traitement.demo import simulate_case_history
from victimes.demo import create_demo_directory, create_demo_records


def _number(value: int) -> str:
    """French thousands separator (narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = gettext_lazy(
        "Remplit l'instance avec des doléances de démonstration réalistes (reproductibles : "
        "relancer la commande avec la même graine n'ajoute rien), crée les comptes de "
        "démonstration manquants, met à jour l'observatoire et ajoute des indicateurs "
        "d'exemple au pilotage du contrat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--complaints",
            type=int,
            default=20_000,
            help=gettext_lazy("Nombre de doléances à générer (20 000 par défaut)."),
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help=gettext_lazy("Graine du générateur.")
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=gettext_lazy("Ne fait rien si des doléances existent déjà."),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2_000,
            help=gettext_lazy("Doléances enregistrées par transaction."),
        )

    def handle(self, *args, **options):
        count, seed, batch_size = options["complaints"], options["seed"], options["batch_size"]
        if count < 0 or batch_size < 1:
            raise CommandError(
                _("Le nombre de doléances et la taille des lots doivent être positifs.")
            )
        if options["if_empty"] and Complaint.objects.exists():
            self.stdout.write(
                _("Des doléances existent déjà : aucune donnée de démonstration ajoutée.")
            )
            return
        categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        if not categories or not Quartier.objects.exists():
            raise CommandError(_("Référentiels absents : lancez d'abord « cpps setup »."))

        try:
            arrays = generate(count, seed=seed, categories=sorted(categories))
        except FileNotFoundError as exc:
            raise CommandError(
                _("Fichier de données introuvable : %(path)s (voir CPPS_DATA_DIR et CPPS_GEO_DIR).")
                % {"path": exc.filename}
            ) from exc

        usernames = {account.username for account in DEMO_ACCOUNTS}
        if get_user_model().objects.filter(username__in=usernames).count() < len(usernames):
            create_demo_accounts()
            self.stdout.write(_("Comptes de démonstration créés."))

        created = existing = 0
        rejected: list[tuple[int, str]] = []
        with tqdm(
            total=count, desc=_("Doléances"), unit="", file=sys.stderr, disable=None
        ) as progress:
            for start in range(0, count, batch_size):
                rows = range(start, min(start + batch_size, count))
                result = file_complaints(complaint_inputs(arrays, categories, seed, rows))
                created += len(result.created)
                existing += result.existing
                rejected.extend((start + index, reason) for index, reason in result.rejected)
                progress.update(len(rows))

        self.stdout.write(
            _(
                "Doléances de démonstration : %(created)s créées, %(existing)s déjà présentes, "
                "%(rejected)s refusées."
            )
            % {
                "created": _number(created),
                "existing": _number(existing),
                "rejected": _number(len(rejected)),
            }
        )
        for index, reason in rejected[:10]:
            self.stderr.write(
                _("Ligne %(index)d refusée : %(reason)s") % {"index": index, "reason": reason}
            )
        # The demo is whole only once old cases carry answer dates, the observatory has the
        # complaints and the contract has example indicators computed from them.
        simulate_case_history(seed=seed)
        # Axe 2: example help services and a year of anonymous orientation records, before
        # the contract's indicators are computed from them.
        create_demo_directory()
        create_demo_records(seed=seed)
        refresh_observatory()
        create_demo_indicators()
        self.stdout.write(_("Observatoire mis à jour ; indicateurs d'exemple du contrat créés."))
        events = create_demo_prevention(seed=seed)
        self.stdout.write(
            _("Prévention : %(events)s événements d'exemple (lieux et paires de territoires).")
            % {"events": _number(events)}
        )
