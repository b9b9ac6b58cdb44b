"""Settings of the intake bench's baseline server (bench/load_intake.py): cpps's own settings,
with a URLconf that holds only the minimal view. Never used by the application."""

from cpps.settings import *  # noqa: F403

ROOT_URLCONF = "bench.minimal_urls"
