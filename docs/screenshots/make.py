"""Regenerate the screenshots of docs/screenshots.md: a new user's walk through every role,
on a phone (390 px) and a desktop (1280 px), in Chromium.

    .venv/bin/python docs/screenshots/make.py [--complaints 4000] [--keep]

It builds a throw-away demo instance (SQLite under var/screenshots/, the Paris referentials,
`cpps demo`), serves it with `cpps runserver`, walks the screens with Playwright and writes
one compressed PNG per screen and size here. The base map is the quartier outlines (the
walk runs offline); everything else is what a newcomer sees after `make run`.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = ROOT / ".venv" / "bin"
CHROMIUM = os.environ.get("CPPS_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "demo-cpps"  # noqa: S105 — the demo accounts' published password (accounts/demo.py)
SIZES = {"telephone": {"width": 390, "height": 844}, "ordinateur": {"width": 1280, "height": 900}}
MAX_HEIGHT = {"telephone": 2600, "ordinateur": 1800}  # a long page is cut, not shrunk
COLOURS = 128  # palette PNGs: a few dozen kB per screen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CPPS_VAR_DIR=str(var_dir),
        CPPS_DEBUG="1",
        CPPS_SHOW_DEMO_ACCOUNTS="1",
        CPPS_MAP_TILE_URL="",
    )
    return env


def prepare(env: dict, complaints: int) -> None:
    for command in (
        ["setup", "--demo-accounts"],
        ["demo", "--complaints", str(complaints), "--if-empty"],
    ):
        subprocess.run([BIN / "cpps", *command], env=env, check=True, cwd=ROOT)


def save(png: bytes, path: Path, height: int) -> None:
    with Image.open(io.BytesIO(png)) as image:
        image = image.convert("RGB")
        if image.height > height:
            image = image.crop((0, 0, image.width, height))
        image.quantize(COLOURS, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


class Walk:
    """Screens in order; `shot(name)` saves the current page."""

    def __init__(self, browser, base: str, size: str):
        self.browser, self.base, self.size = browser, base, size
        self.context = None
        self.page = None
        self.written: list[Path] = []

    def fresh(self):
        if self.context:
            self.context.close()
        self.context = self.browser.new_context(locale="fr-FR", viewport=SIZES[self.size])
        # Offline walk: anything not served by the instance fails at once.
        self.context.route(lambda url: not url.startswith(self.base), lambda route: route.abort())
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        return self.page

    def go(self, path: str):
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str):
        path = HERE / f"{name}-{self.size}.png"
        self.page.wait_for_timeout(300)  # map fitting and animations
        save(self.page.screenshot(full_page=True), path, MAX_HEIGHT[self.size])
        self.written.append(path)

    def login(self, username: str):
        self.fresh()
        self.go("/comptes/connexion/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_load_state("networkidle")


def walk(browser, base: str, size: str) -> list[Path]:
    w = Walk(browser, base, size)
    w.fresh()
    # A resident.
    w.go("/")
    w.shot("01-accueil")
    w.go("/signaler/")
    w.page.locator("#carte .leaflet-overlay-pane path").first.wait_for(state="attached")
    w.shot("02-formulaire")
    w.page.click("#envoyer")
    w.shot("03-formulaire-erreurs")
    w.page.select_option("#id_category", label="Bruit sur la voie publique")
    w.page.fill("#id_address", "40 rue Oberkampf")
    w.page.fill("#id_postal_code", "75011")
    w.page.fill("#id_description", "Musique très forte chaque nuit vers 2 h devant le n° 40.")
    w.page.click("#envoyer")
    w.page.wait_for_load_state("networkidle")
    w.shot("04-confirmation")
    w.page.click("#lien-suivi")
    w.page.wait_for_load_state("networkidle")
    w.shot("05-suivi")
    w.go("/comptes/connexion/")
    w.shot("06-connexion")
    # Someone looking for help: the finder, then its answers (no trace, quick exit).
    w.go("/aide-aux-victimes/")
    w.shot("07-aide-aux-victimes")
    w.go(
        "/aide-aux-victimes/?situation=violences-conjugales&age=25-59&arrondissement=18&danger=oui"
    )
    w.shot("08-aide-aux-victimes-resultats")
    # A case agent: lands on the queue; the map of the queue; a case.
    w.login("agent.pm.centre")
    w.shot("10-agent-file")
    w.go("/traitement/carte/?statut=all")
    w.shot("11-agent-carte-file")
    w.go("/traitement/?statut=all")
    w.page.locator("#queue-table tbody a").first.click()
    w.page.wait_for_load_state("networkidle")
    w.shot("12-agent-dossier")
    # Desk supervisor.
    w.login("superviseur.pm.centre")
    w.shot("15-superviseur-file")
    # Analyst: the observatory.
    w.login("analyste")
    w.shot("20-analyste-observatoire")
    # Coordinator of the 18th: their sector's observatory, then their contract.
    w.login("coordination.paris18")
    w.shot("30-coordination-observatoire-secteur")
    w.go("/contrat/secteurs/paris-18/")
    w.shot("31-coordination-contrat-secteur")
    # Pilot: the contract, a priority, the comparison of sectors.
    w.login("pilote")
    w.shot("40-pilote-contrat")
    w.go("/contrat/priorites/1.2/")
    w.shot("41-pilote-priorite")
    w.go("/contrat/comparaison/")
    w.shot("42-pilote-comparaison")
    # Victim support: lands on the anonymous orientation records; where help is missing.
    w.login("aide.victimes")
    w.shot("50-aide-victimes-orientations")
    w.go("/victimes/manques/")
    w.shot("51-aide-victimes-manques")
    # A prevention partner (mediation, 18th): the tension map, the alerts.
    w.login("mediation.paris18")
    w.shot("55-prevention-carte")
    w.go("/prevention/alertes/")
    w.shot("56-prevention-alertes")
    # Administrator.
    w.login("admin")
    w.shot("60-admin-administration")
    w.go("/comptes/audit/")
    w.shot("61-admin-journal-audit")
    w.context.close()
    return w.written


CAPTIONS = {
    "01-accueil": "Accueil : ce qu'est cpps, quoi essayer, les comptes de démonstration.",
    "02-formulaire": "Formulaire de signalement, vide (carte, adresse, description, photo).",
    "03-formulaire-erreurs": "Le même, envoyé vide : les erreurs résumées en tête.",
    "04-confirmation": "Confirmation : la référence et le lien de suivi privé.",
    "05-suivi": "Page de suivi du déclarant.",
    "06-connexion": "Connexion à l'espace partenaires.",
    "10-agent-file": "Agent de traitement : après connexion, la file de son guichet.",
    "11-agent-carte-file": "La file du guichet sur une carte, avec les mêmes filtres.",
    "12-agent-dossier": "Un dossier : faits, point sur la carte, déclarants, actions, historique.",
    "15-superviseur-file": "Responsable de guichet : la file du guichet.",
    "20-analyste-observatoire": "Analyste : l'observatoire de Paris.",
    "30-coordination-observatoire-secteur": "Coordination CSPA : l'observatoire de son secteur.",
    "31-coordination-contrat-secteur": "Coordination CSPA : le contrat de son secteur.",
    "40-pilote-contrat": "Pilote : le pilotage du contrat, bilan de Paris à télécharger.",
    "41-pilote-priorite": "Une priorité : actions, indicateurs, année de la valeur et de la cible.",
    "42-pilote-comparaison": "Comparaison des secteurs sur un indicateur.",
    "07-aide-aux-victimes": "Aide aux victimes : trois ou quatre questions, sans laisser de trace.",
    "08-aide-aux-victimes-resultats": "Les réponses : d'abord l'urgence, puis qui peut aider.",
    "50-aide-victimes-orientations": "Aide aux victimes : les orientations anonymes du guichet.",
    "51-aide-victimes-manques": "Où l'aide manque : secteurs × situations.",
    "55-prevention-carte": "Partenaire de prévention : la carte des tensions entre territoires.",
    "56-prevention-alertes": "Les alertes de la boucle : accusés de réception, issue.",
    "60-admin-administration": "Administration : l'admin du site, titré cpps.",
    "61-admin-journal-audit": "Administration : le journal d'audit, en français.",
}


def write_index(written: list[Path]) -> None:
    """docs/screenshots.md: one section per screen, phone and desktop side by side."""
    lines = [
        "# cpps en images",
        "",
        "Le parcours d'une nouvelle personne, rôle par rôle, sur un téléphone (390 px) et sur un",
        "ordinateur (1280 px), dans Chromium, sur l'instance de démonstration (fond de carte :",
        "contours des quartiers, la capture se faisant hors ligne). Pour les refaire :",
        "`.venv/bin/python docs/screenshots/make.py` (une capture par écran et par taille).",
        "",
    ]
    names = sorted({p.name.rsplit("-", 1)[0] for p in written})
    for name in names:
        lines += [f"## {CAPTIONS.get(name, name)}", ""]
        lines += [
            f"![{name}, {size}](screenshots/{name}-{size}.png)"
            for size in SIZES
            if (HERE / f"{name}-{size}.png").exists()
        ]
        lines.append("")
    (HERE.parent / "screenshots.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=4000)
    parser.add_argument("--keep", action="store_true", help="garder l'instance de démonstration")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    var_dir = ROOT / "var" / "screenshots"
    if var_dir.exists() and not args.keep:
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = environment(var_dir)
    prepare(env, args.complaints)
    port = free_port()
    server = subprocess.Popen(
        [BIN / "cpps", "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urlopen(base + "/", timeout=2)  # noqa: S310 — our own local server
                break
            except OSError:
                time.sleep(0.3)
        for old in HERE.glob("*.png"):
            old.unlink()
        written = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            for size in SIZES:
                written += walk(browser, base, size)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    write_index(written)
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} captures, {total / 1e6:.1f} Mo dans {HERE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
