"""`cpps apikey create NAME [--rate N]`, `cpps apikey list`, `cpps apikey revoke NAME`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from open311 import keys
from open311.models import ApiKey


class Command(BaseCommand):
    help = _("Gère les clés d'API des clients Open311 (création, liste, révocation).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help=_("Crée une clé et l'affiche une seule fois."))
        create.add_argument("name", help=_("Nom du client (minuscules, chiffres, tirets)."))
        create.add_argument(
            "--rate",
            type=int,
            default=keys.DEFAULT_RATE_LIMIT,
            help=_("Dépôts autorisés par minute (défaut : %(default)s)."),
        )
        sub.add_parser("list", help=_("Liste les clés (jamais leur secret)."))
        revoke = sub.add_parser("revoke", help=_("Révoque une clé."))
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        try:
            if action == "create":
                key, raw = keys.create_key(options["name"], options["rate"])
                self.stdout.write(
                    _(
                        "Clé d'API créée pour « %(name)s » (%(rate)d dépôts par minute). "
                        "Conservez-la : elle ne sera plus affichée."
                    )
                    % {"name": key.name, "rate": key.rate_limit_per_minute}
                )
                self.stdout.write(raw)
            elif action == "revoke":
                key = keys.revoke_key(options["name"])
                self.stdout.write(_("Clé « %(name)s » révoquée.") % {"name": key.name})
            else:
                self._list()
        except keys.ApiKeyError as exc:
            raise CommandError(str(exc)) from exc

    def _list(self):
        rows = ApiKey.objects.all()
        if not rows:
            self.stdout.write(_("Aucune clé d'API."))
            return
        for key in rows:
            state = (
                _("révoquée le %(date)s") % {"date": f"{key.revoked_at:%Y-%m-%d}"}
                if key.revoked_at
                else _("en service")
            )
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "—"
            self.stdout.write(
                f"{key.name}\t{key.prefix}…\t{key.rate_limit_per_minute}/min\t"
                + _("dernière utilisation : %(used)s") % {"used": used}
                + f"\t{state}"
            )
