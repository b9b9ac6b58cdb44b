"""A realistic, deterministic generator of demo complaints (doléances).

`generate` is a pure function over numpy arrays: given a seed it always yields the same
complaints, fast enough for benchmarks (millions of rows in seconds) and without touching the
database. Its realism comes from public data read at run time, never copied into the code:

- volumes by arrondissement follow the real DansMaRue 2020 export (`by_arrondissement` in
  `events/dansmarue_2020_aggregates.json`), blended with the INSEE legal populations for
  security and nightlife categories, which residents report wherever they live;
- points are drawn inside the arrondissement, around fixed hotspots per kind of nuisance
  (Gaussian clusters) mixed with a background proportional to the IRIS grid, i.e. roughly to
  where people live (the two Bois have no IRIS);
- each category has its own rhythm (hour, day of the week, season, special nights such as the
  Fête de la musique) and a slight upward trend.

`complaint_inputs` turns rows of the arrays into `ComplaintInput`s for the intake service; the
`cpps demo` command files them through `doleances.bulk.file_complaints`.
"""

from __future__ import annotations

import csv
import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
import shapely

from doleances.choices import Channel, Status

if TYPE_CHECKING:
    from doleances.services import ComplaintInput

PARIS_TZ = ZoneInfo("Europe/Paris")
ARRONDISSEMENTS = 20
METRES_PER_DEGREE_LAT = 111_320.0
# Night hours start a new "activity day" at 6 a.m.: 2 a.m. on a Saturday belongs to Friday night.
NIGHT_SHIFT_HOURS = 6
YEARLY_GROWTH = 0.06
DEMO_SOURCE = "demo"

CHANNELS = (
    Channel.WEB.value,
    Channel.DANSMARUE.value,
    Channel.PHONE_3975.value,
    Channel.TOTEM.value,
    Channel.COMMISSARIAT.value,
    Channel.API.value,
)
STATUSES = tuple(Status.values)


# --- Time profiles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeProfile:
    hours: tuple[float, ...]  # weight of each local hour 0..23
    days: tuple[float, ...]  # weight of each activity day, Monday..Sunday
    months: tuple[float, ...]  # weight of each month of the activity day
    special: tuple[tuple[int, int, float], ...] = ()  # (month, day, factor) of the activity day


# fmt: off
TIME_PROFILES = {
    # Bars, terraces, street parties: 22h–4h, Thursday to Saturday nights, summer, 21 June.
    "nightlife": TimeProfile(
        hours=(9, 8, 6, 4, 2, .6, .2, .2, .2, .2, .3, .3,
               .4, .4, .4, .4, .5, .6, .8, 1.2, 2, 3.5, 6, 8.5),
        days=(.6, .7, .9, 1.4, 1.8, 1.9, .8),
        months=(.8, .8, .9, 1, 1.15, 1.4, 1.5, 1.3, 1.3, 1, .85, .9),
        special=((6, 21, 4.0), (12, 31, 3.0), (7, 14, 2.0)),
    ),
    # Dumping, street works, lighting: office hours on weekdays; Paris empties in August.
    "day": TimeProfile(
        hours=(.05, .05, .05, .05, .05, .1, .3, .8, 1.5, 2, 2.2, 2,
               1.6, 1.5, 1.7, 1.6, 1.4, 1.2, 1, .7, .5, .3, .2, .1),
        days=(1.1, 1.05, 1, 1, 1, .55, .4),
        months=(.9, .9, 1, 1, 1.05, 1.05, 1.05, .8, 1.05, 1.05, 1, .95),
    ),
    # Gatherings, urine, building halls: late afternoon into the night.
    "evening": TimeProfile(
        hours=(2, 1.4, .8, .4, .2, .1, .1, .2, .3, .4, .5, .6,
               .8, .9, 1, 1.2, 1.6, 2, 2.4, 2.8, 3, 3, 2.8, 2.4),
        days=(.8, .8, .9, 1, 1.3, 1.4, 1),
        months=(.8, .8, .9, 1, 1.1, 1.3, 1.3, 1.1, 1.1, 1, .85, .85),
        special=((6, 21, 3.0), (12, 31, 2.0)),
    ),
    # Urban rodeos: evenings and weekends, spring and summer.
    "rodeo": TimeProfile(
        hours=(1, .5, .2, .1, .1, .1, .1, .1, .1, .1, .2, .2,
               .3, .4, .6, .8, 1, 1.5, 2.2, 3, 3.5, 3.2, 2.5, 1.6),
        days=(.6, .6, .7, .8, 1.2, 1.8, 1.9),
        months=(.4, .4, .7, 1.2, 1.6, 1.8, 1.9, 1.6, 1.3, .8, .5, .4),
    ),
    # Drug dealing points: steady, afternoon and evening, every day of the year.
    "deal": TimeProfile(
        hours=(.8, .5, .3, .2, .1, .1, .1, .2, .3, .4, .6, .8,
               1, 1.2, 1.5, 1.7, 1.9, 2, 2.1, 2.1, 2, 1.8, 1.5, 1.1),
        days=(1, 1, 1, 1, 1, 1, 1),
        months=(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
    ),
    # Street vending, pickpockets, two-wheelers on pavements: daytime, weekends, tourist season.
    "street": TimeProfile(
        hours=(.1, .05, .05, .05, .05, .1, .2, .5, 1, 1.3, 1.6, 1.8,
               2, 2, 2, 2, 2, 1.9, 1.7, 1.4, 1, .6, .3, .2),
        days=(.9, .9, .9, .95, 1.05, 1.25, 1.2),
        months=(.8, .8, .9, 1, 1.1, 1.2, 1.3, 1.2, 1.1, 1, .85, .9),
    ),
    # People living in the street: reported by day, mostly in the cold months.
    "winter": TimeProfile(
        hours=(.2, .1, .1, .1, .1, .2, .5, 1, 1.5, 1.8, 1.8, 1.6,
               1.4, 1.4, 1.4, 1.4, 1.3, 1.3, 1.2, 1, .8, .6, .4, .3),
        days=(1.05, 1.05, 1.05, 1.05, 1.05, .9, .85),
        months=(1.5, 1.4, 1.1, .9, .8, .7, .8, .8, .8, 1, 1.3, 1.6),
    ),
}
# fmt: on


# --- Places: arrondissement mixes and hotspots ---------------------------------------------


@dataclass(frozen=True)
class PlaceMix:
    """Arrondissement volumes: `dansmarue` × DansMaRue shares + the rest × population shares,
    then multiplied by `boost` (arrondissement number → factor)."""

    dansmarue: float
    boost: tuple[tuple[int, float], ...] = ()


# fmt: off
PLACE_MIXES = {
    "dansmarue": PlaceMix(1.0),
    "dumping": PlaceMix(1.0, ((18, 1.35), (19, 1.3), (20, 1.3), (10, 1.1))),
    "residents": PlaceMix(0.5),
    "nightlife": PlaceMix(0.5, (
        (1, 1.3), (2, 1.6), (3, 1.6), (4, 1.4), (5, 1.2), (6, 1.3), (7, 0.5), (9, 1.5),
        (10, 1.5), (11, 2.0), (13, 1.1), (15, 0.7), (16, 0.5), (18, 1.4), (20, 1.2),
    )),
    "deal": PlaceMix(0.5, (
        (1, 0.3), (2, 0.3), (3, 0.3), (4, 0.3), (5, 0.2), (6, 0.2), (7, 0.1), (8, 0.3),
        (10, 1.6), (13, 1.2), (15, 0.5), (16, 0.2), (18, 3.0), (19, 2.6), (20, 1.8),
    )),
    "rodeo": PlaceMix(0.5, (
        (1, 0.05), (2, 0.05), (3, 0.05), (4, 0.05), (5, 0.05), (6, 0.05), (7, 0.05),
        (8, 0.05), (9, 0.05), (10, 0.4), (11, 0.5), (12, 1.3), (13, 1.5), (15, 0.8),
        (16, 0.6), (17, 1.3), (18, 1.6), (19, 1.8), (20, 1.7),
    )),
    "tourist": PlaceMix(0.5, (
        (1, 2.0), (4, 1.3), (7, 2.0), (8, 1.3), (10, 1.4), (15, 0.5), (16, 0.5), (18, 2.5),
    )),
}
# fmt: on


@dataclass(frozen=True)
class Hotspot:
    name: str
    latitude: float
    longitude: float
    sigma_m: float
    weight: float = 1.0


HOTSPOTS: dict[str, tuple[Hotspot, ...]] = {
    "nightlife": (
        Hotspot("Oberkampf", 48.8650, 2.3770, 200, 1.5),
        Hotspot("Bastille – rue de Lappe", 48.8537, 2.3733, 150, 1.3),
        Hotspot("Pigalle", 48.8823, 2.3372, 180, 1.3),
        Hotspot("Canal Saint-Martin", 48.8712, 2.3648, 250, 1.2),
        Hotspot("Butte-aux-Cailles", 48.8276, 2.3499, 150, 1.0),
        Hotspot("Marais", 48.8587, 2.3585, 200, 1.0),
        Hotspot("Saint-Germain-des-Prés", 48.8527, 2.3373, 180, 0.7),
        Hotspot("Champs-Élysées – Ponthieu", 48.8709, 2.3060, 200, 0.7),
        Hotspot("Contrescarpe – Mouffetard", 48.8440, 2.3496, 150, 0.6),
        Hotspot("Jean-Pierre-Timbaud", 48.8680, 2.3790, 200, 0.9),
        Hotspot("Montorgueil – Grands Boulevards", 48.8700, 2.3470, 180, 0.8),
        Hotspot("Ménilmontant", 48.8680, 2.3870, 180, 0.7),
        Hotspot("Bassin de la Villette", 48.8875, 2.3770, 250, 0.8),
        Hotspot("Batignolles", 48.8845, 2.3195, 150, 0.4),
        Hotspot("Montparnasse", 48.8420, 2.3275, 180, 0.4),
    ),
    "deal": (
        Hotspot("Stalingrad", 48.8843, 2.3683, 150, 1.5),
        Hotspot("La Chapelle", 48.8850, 2.3600, 120, 1.2),
        Hotspot("Porte de la Chapelle", 48.8985, 2.3600, 200, 1.3),
        Hotspot("Barbès", 48.8837, 2.3497, 120, 1.0),
        Hotspot("Château Rouge", 48.8870, 2.3493, 120, 1.0),
        Hotspot("Marx Dormoy", 48.8905, 2.3597, 150, 0.7),
        Hotspot("Riquet – Curial", 48.8915, 2.3740, 150, 0.8),
        Hotspot("Orgues de Flandre", 48.8918, 2.3775, 120, 0.8),
        Hotspot("Belleville", 48.8722, 2.3767, 150, 0.9),
        Hotspot("Porte de Montreuil", 48.8535, 2.4085, 150, 0.7),
        Hotspot("Porte de Clignancourt", 48.8955, 2.3470, 150, 0.6),
        Hotspot("Gare du Nord", 48.8807, 2.3553, 120, 0.8),
        Hotspot("Olympiades", 48.8265, 2.3665, 150, 0.5),
        Hotspot("Porte de Saint-Ouen", 48.8970, 2.3280, 150, 0.4),
    ),
    "rodeo": (
        Hotspot("Porte de la Villette", 48.8975, 2.3865, 300, 1.2),
        Hotspot("Porte de Bagnolet", 48.8640, 2.4085, 300, 1.0),
        Hotspot("Porte d'Ivry", 48.8215, 2.3690, 300, 0.9),
        Hotspot("Porte de Saint-Ouen", 48.8975, 2.3295, 300, 0.9),
        Hotspot("Porte de Montmartre", 48.8985, 2.3390, 300, 0.8),
        Hotspot("Porte des Lilas", 48.8770, 2.4065, 300, 0.7),
        Hotspot("Porte Dorée", 48.8355, 2.4055, 300, 0.7),
        Hotspot("Porte de Vanves", 48.8275, 2.3050, 300, 0.6),
        Hotspot("Porte de Versailles", 48.8325, 2.2875, 300, 0.5),
        Hotspot("Porte de Saint-Cloud", 48.8380, 2.2570, 300, 0.4),
    ),
    "dumping": (
        Hotspot("Goutte d'Or", 48.8858, 2.3530, 200, 1.2),
        Hotspot("Marx Dormoy", 48.8895, 2.3600, 200, 1.0),
        Hotspot("Puces de Clignancourt", 48.8975, 2.3455, 250, 0.9),
        Hotspot("Crimée", 48.8905, 2.3770, 250, 0.9),
        Hotspot("Belleville", 48.8710, 2.3800, 200, 0.8),
        Hotspot("Château d'Eau", 48.8718, 2.3555, 150, 0.8),
        Hotspot("Porte de Montreuil", 48.8545, 2.4075, 200, 0.7),
        Hotspot("Faidherbe – Charonne", 48.8525, 2.3840, 200, 0.5),
        Hotspot("Porte de Bagnolet", 48.8645, 2.4050, 200, 0.5),
        Hotspot("Porte d'Ivry", 48.8225, 2.3670, 200, 0.4),
    ),
    "tourist": (
        Hotspot("Tour Eiffel", 48.8585, 2.2945, 250, 1.3),
        Hotspot("Sacré-Cœur", 48.8862, 2.3430, 200, 1.2),
        Hotspot("Barbès", 48.8840, 2.3500, 150, 1.3),
        Hotspot("Porte de Clignancourt", 48.8978, 2.3447, 200, 1.0),
        Hotspot("Châtelet – Les Halles", 48.8618, 2.3470, 200, 0.8),
        Hotspot("Château Rouge", 48.8875, 2.3490, 150, 0.9),
        Hotspot("Belleville", 48.8715, 2.3770, 150, 0.6),
        Hotspot("Champs-Élysées", 48.8700, 2.3075, 250, 0.5),
        Hotspot("Saint-Michel", 48.8535, 2.3440, 200, 0.5),
    ),
    "gatherings": (
        Hotspot("Les Halles", 48.8620, 2.3460, 200, 1.0),
        Hotspot("Porte de la Chapelle", 48.8990, 2.3595, 250, 0.8),
        Hotspot("Olympiades", 48.8262, 2.3660, 200, 0.8),
        Hotspot("Porte de Clichy", 48.8945, 2.3135, 250, 0.7),
        Hotspot("Belleville", 48.8715, 2.3780, 200, 0.7),
        Hotspot("Porte de Montmartre", 48.8985, 2.3385, 250, 0.7),
        Hotspot("Rosa-Parks", 48.8975, 2.3730, 250, 0.7),
        Hotspot("Orgues de Flandre", 48.8918, 2.3775, 200, 0.6),
        Hotspot("Porte de Vanves", 48.8275, 2.3055, 250, 0.5),
        Hotspot("Porte de Montreuil", 48.8540, 2.4080, 200, 0.5),
    ),
    "street": (
        Hotspot("Porte de la Chapelle", 48.8985, 2.3590, 250, 1.0),
        Hotspot("Stalingrad – Jaurès", 48.8830, 2.3690, 200, 1.0),
        Hotspot("Gare du Nord", 48.8805, 2.3550, 150, 0.8),
        Hotspot("Gare de l'Est", 48.8765, 2.3590, 150, 0.8),
        Hotspot("Gare d'Austerlitz", 48.8425, 2.3650, 200, 0.6),
        Hotspot("Gare de Lyon", 48.8445, 2.3735, 200, 0.6),
        Hotspot("Châtelet", 48.8590, 2.3470, 200, 0.5),
        Hotspot("Canal Saint-Martin", 48.8712, 2.3648, 250, 0.5),
        Hotspot("Gare Montparnasse", 48.8410, 2.3205, 200, 0.4),
        Hotspot("Saint-Lazare", 48.8763, 2.3253, 150, 0.4),
    ),
    "graffiti": (
        Hotspot("Belleville – rue Dénoyez", 48.8710, 2.3790, 250, 1.0),
        Hotspot("Ménilmontant", 48.8665, 2.3880, 250, 0.9),
        Hotspot("Canal Saint-Martin", 48.8712, 2.3648, 250, 0.8),
        Hotspot("Butte-aux-Cailles", 48.8276, 2.3499, 200, 0.7),
        Hotspot("Boulevard Vincent-Auriol", 48.8340, 2.3600, 300, 0.7),
        Hotspot("Oberkampf", 48.8650, 2.3770, 200, 0.6),
        Hotspot("Montmartre", 48.8860, 2.3400, 250, 0.6),
        Hotspot("Marais", 48.8600, 2.3590, 200, 0.5),
    ),
}


# --- Channels -----------------------------------------------------------------------------------

# Shares over CHANNELS (web, dansmarue, phone_3975, totem, commissariat, api).
CHANNEL_MIXES = {
    "city": (0.22, 0.55, 0.10, 0.05, 0.02, 0.06),
    "road": (0.38, 0.25, 0.17, 0.08, 0.06, 0.06),
    "nightlife": (0.45, 0.05, 0.28, 0.10, 0.07, 0.05),
    "security": (0.42, 0.04, 0.25, 0.07, 0.17, 0.05),
}
# Share of complaints that leave contact details, by channel (DansMaRue passes none on).
CONTACT_SHARE = {
    Channel.WEB.value: 0.35,
    Channel.DANSMARUE.value: 0.03,
    Channel.PHONE_3975.value: 0.6,
    Channel.TOTEM.value: 0.1,
    Channel.COMMISSARIAT.value: 0.7,
    Channel.API.value: 0.2,
}


# --- Categories ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryProfile:
    weight: float  # relative volume
    time: str  # key of TIME_PROFILES
    place: str  # key of PLACE_MIXES
    channels: str  # key of CHANNEL_MIXES
    hotspots: str = ""  # key of HOTSPOTS
    hotspot_share: float = 0.0  # share of points drawn around hotspots where there are some


# Volumes: dumping, graffiti and urine dominate as in DansMaRue; emergencies are rare because
# the form sends people to the 17 or 112 instead.
# fmt: off
CATEGORY_PROFILES = {code: CategoryProfile(*values) for code, values in {
    # code:                   (weight, time, place, channels, hotspots, hotspot_share)
    "bruit-etablissement":    (6.0, "nightlife",  "nightlife",  "nightlife",  "nightlife",  0.55),
    "bruit-rue":              (5.0, "nightlife",  "nightlife",  "nightlife",  "nightlife",  0.5),
    "conduites-risque":       (2.5, "nightlife",  "nightlife",  "nightlife",  "nightlife",  0.5),
    "vss-nuit":               (0.6, "nightlife",  "nightlife",  "nightlife",  "nightlife",  0.5),
    "velos-trottoir":         (2.5, "street",     "dansmarue",  "road",       "",           0.0),
    "deux-roues-motorises":   (3.0, "street",     "dansmarue",  "road",       "",           0.0),
    "rodeos":                 (1.2, "rodeo",      "rodeo",      "road",       "rodeo",      0.5),
    "stationnement-dangereux": (5.0, "day",        "dansmarue",  "road",       "",           0.0),
    "danger-pietons":         (1.2, "street",     "residents",  "road",       "",           0.0),
    "vente-sauvette":         (2.0, "street",     "tourist",    "security",   "tourist",    0.6),
    "depots-sauvages":        (22.0, "day",       "dumping",    "city",       "dumping",    0.3),
    "megots":                 (1.5, "day",        "dansmarue",  "city",       "",           0.0),
    "dejections-canines":     (2.5, "day",        "dansmarue",  "city",       "",           0.0),
    "epanchement-urine":      (4.0, "evening",    "dansmarue",  "city",       "nightlife",  0.4),
    "graffitis":              (14.0, "day",       "dansmarue",  "city",       "graffiti",   0.25),
    "rassemblements-rixes":   (1.5, "evening",    "residents",  "security",   "gatherings", 0.5),
    "point-deal":             (2.5, "deal",       "deal",       "security",   "deal",       0.7),
    "hall-occupe":            (1.5, "evening",    "deal",       "security",   "deal",       0.4),
    "vol-agression":          (1.0, "street",     "tourist",    "security",   "tourist",    0.4),
    "violence-en-cours":      (0.15, "evening",   "residents",  "security",   "gatherings", 0.3),
    "personnes-a-la-rue":     (1.5, "winter",     "residents",  "security",   "street",     0.5),
    "personne-agee-danger":   (0.1, "day",        "residents",  "security",   "",           0.0),
    "voirie":                 (5.0, "day",        "dansmarue",  "city",       "",           0.0),
    "eclairage":              (2.0, "day",        "dansmarue",  "city",       "",           0.0),
    "mobilier-urbain":        (2.0, "day",        "dansmarue",  "city",       "",           0.0),
    "proprete-autre":         (6.0, "day",        "dumping",    "city",       "dumping",    0.2),
    "vehicules-abandonnes":   (3.0, "day",        "dansmarue",  "city",       "",           0.0),
    "eau-assainissement":     (1.0, "day",        "dansmarue",  "city",       "",           0.0),
    "chantiers":              (1.0, "day",        "dansmarue",  "city",       "",           0.0),
    "espaces-verts":          (1.0, "day",        "dansmarue",  "city",       "",           0.0),
    "autre-espace-public":    (1.0, "day",        "dansmarue",  "city",       "",           0.0),
}.items()}
# fmt: on
# A category added by administrators after this table was written still gets demo data.
DEFAULT_PROFILE = CategoryProfile(1.0, "day", "residents", "security")

# Short descriptions, a few per category, free of personal data.
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "bruit-etablissement": (
        "Musique forte jusqu'à 3 h du matin depuis le bar au coin de la rue.",
        "Clients bruyants sur la terrasse bien après la fermeture, tous les week-ends.",
        "Les basses de la boîte de nuit font vibrer les fenêtres jusqu'au petit matin.",
        "Livraisons et rangement du restaurant très bruyants après minuit.",
    ),
    "bruit-rue": (
        "Cris et chants dans la rue jusqu'à 4 h, impossible de dormir.",
        "Groupe qui écoute de la musique sur une enceinte sur la place toute la nuit.",
        "Voitures stationnées avec la musique à fond, vitres ouvertes, vers 2 h.",
        "Attroupement bruyant à la sortie des bars, tous les vendredis et samedis.",
    ),
    "conduites-risque": (
        "Cartouches de protoxyde d'azote abandonnées chaque matin sur le trottoir.",
        "Consommation d'alcool sur le banc de la place jusqu'à tard, bouteilles cassées.",
        "Personnes en état d'ivresse qui s'allongent sur la chaussée la nuit.",
    ),
    "vss-nuit": (
        "Harcèlement de rue fréquent devant la sortie du métro le soir.",
        "Des femmes se font interpeller et suivre dans cette rue mal éclairée la nuit.",
        "Commentaires sexistes répétés à la sortie des bars, on ne s'y sent pas en sécurité.",
    ),
    "velos-trottoir": (
        "Trottinettes qui roulent vite sur le trottoir devant l'école.",
        "Trottinettes en libre-service couchées en travers du trottoir.",
        "Vélos qui circulent sur le trottoir, les piétons doivent s'écarter.",
    ),
    "deux-roues-motorises": (
        "Scooters garés en permanence sur le trottoir, passage impossible avec une poussette.",
        "Motos qui empruntent le couloir de bus et le trottoir aux heures de pointe.",
        "Scooters de livraison qui stationnent devant le passage piéton.",
    ),
    "rodeos": (
        "Rodéo de motos sur le boulevard tous les soirs vers 21 h.",
        "Quads et motocross qui font des roues arrière devant la cité le week-end.",
        "Groupe de motos qui tourne en boucle dans le quartier, très dangereux.",
    ),
    "stationnement-dangereux": (
        "Voiture garée sur le passage piéton, les enfants doivent passer sur la chaussée.",
        "Camionnette stationnée sur la piste cyclable tous les matins.",
        "Véhicules en double file devant l'école aux heures d'entrée.",
    ),
    "danger-pietons": (
        "Carrefour dangereux : les voitures ne s'arrêtent pas au passage piéton.",
        "Vitesse excessive dans cette rue étroite, il manque un ralentisseur.",
        "Traversée difficile : le feu piéton est trop court pour les personnes âgées.",
    ),
    "vente-sauvette": (
        "Vente à la sauvette de cigarettes à la sortie du métro.",
        "Vendeurs de souvenirs et de boissons installés sur le parvis toute la journée.",
        "Étals de marchandises à même le trottoir, passage bloqué.",
    ),
    "depots-sauvages": (
        "Encombrants abandonnés sur le trottoir depuis plusieurs jours.",
        "Gravats et déchets de chantier déposés au pied de l'immeuble.",
        "Sacs poubelles et cartons entassés à côté des conteneurs.",
        "Matelas et meubles déposés dans la rue malgré le service des encombrants.",
    ),
    "megots": (
        "Mégots jetés en masse devant l'entrée des bureaux.",
        "Le pied des arbres est couvert de mégots devant le café.",
    ),
    "dejections-canines": (
        "Déjections canines non ramassées tout le long du trottoir.",
        "Le square est plein de déjections, les enfants ne peuvent plus y jouer.",
    ),
    "epanchement-urine": (
        "Le porche de l'immeuble sert d'urinoir tous les soirs, odeur insupportable.",
        "Épanchements d'urine récurrents contre le mur de l'école.",
        "Le recoin derrière l'arrêt de bus est utilisé comme toilettes.",
    ),
    "graffitis": (
        "Tags sur la façade de l'immeuble, refaits après chaque nettoyage.",
        "Affiches collées sur le mobilier urbain et les armoires électriques.",
        "Graffitis sur le rideau métallique des commerces de la rue.",
    ),
    "rassemblements-rixes": (
        "Regroupement de jeunes qui se battent régulièrement en fin d'après-midi.",
        "Tensions entre groupes de deux quartiers, bagarre la semaine dernière.",
        "Rassemblement bruyant et menaçant au pied des immeubles chaque soir.",
    ),
    "point-deal": (
        "Point de deal installé devant l'entrée de l'immeuble l'après-midi et le soir.",
        "Va-et-vient permanent de clients dans la rue, guetteurs au coin.",
        "Vente de stupéfiants sous le porche, les habitants n'osent plus passer.",
    ),
    "hall-occupe": (
        "Hall d'immeuble occupé tous les soirs, les résidents doivent demander le passage.",
        "Occupation de la cage d'escalier avec bruit et déchets jusqu'à tard.",
        "Caves squattées, porte d'accès forcée à plusieurs reprises.",
    ),
    "vol-agression": (
        "Vols à l'arraché fréquents à la sortie du métro.",
        "Pickpockets actifs sur le quai et dans la file d'attente.",
        "Plusieurs agressions signalées dans ce passage mal éclairé.",
    ),
    "violence-en-cours": (
        "Bagarre en cours devant le bar, une personne est au sol.",
        "Une personne est menacée avec un objet dans la rue.",
    ),
    "personnes-a-la-rue": (
        "Une famille avec de jeunes enfants dort dans la rue depuis plusieurs nuits.",
        "Personne âgée qui vit sous le porche et semble très affaiblie.",
        "Campement de plusieurs tentes sous le pont, personnes en grande difficulté.",
    ),
    "personne-agee-danger": (
        "Une personne âgée désorientée erre dans la rue sans manteau.",
        "Une voisine âgée n'ouvre plus et on ne l'a pas vue depuis plusieurs jours.",
    ),
    "voirie": (
        "Trou dans la chaussée devant le numéro de la rue, dangereux pour les deux-roues.",
        "Pavés arrachés sur le trottoir, risque de chute.",
        "Revêtement du trottoir manquant sur plusieurs mètres.",
    ),
    "eclairage": (
        "Lampadaire éteint depuis une semaine, la rue est très sombre.",
        "Armoire électrique ouverte sur le trottoir.",
    ),
    "mobilier-urbain": (
        "Banc cassé dans le square.",
        "Potelets arrachés au bord du trottoir.",
        "Barrière de protection tordue au carrefour.",
    ),
    "proprete-autre": (
        "Corbeille de rue pleine et débordante depuis plusieurs jours.",
        "Trottoir très sale, déchets et salissures divers.",
        "Déchets accumulés au pied des arbres et dans les jardinières.",
    ),
    "vehicules-abandonnes": (
        "Épave de voiture stationnée depuis des mois, pneus crevés.",
        "Vélo en épave attaché à la grille depuis longtemps.",
        "Scooter abandonné et dépouillé sur le trottoir.",
    ),
    "eau-assainissement": (
        "Fuite d'eau sur la chaussée depuis ce matin.",
        "Bouche d'égout bouchée, odeurs et eau stagnante.",
    ),
    "chantiers": (
        "Chantier mal signalé, les piétons doivent marcher sur la chaussée.",
        "Travaux bruyants avant 7 h du matin.",
    ),
    "espaces-verts": (
        "Branche d'arbre cassée qui menace de tomber sur le trottoir.",
        "Jardinière dégradée et remplie de déchets.",
    ),
    "autre-espace-public": (
        "Panneau de signalisation arraché au carrefour.",
        "Problème récurrent sur l'espace public à cet endroit.",
    ),
}
DEFAULT_DESCRIPTIONS = ("Problème constaté à cet endroit.",)

# Clearly fictitious contact data for the case-work demo: example.org addresses and the
# 01 99 00 xx xx range that ARCEP reserves for works of fiction.
DEMO_FIRST_NAMES = (
    "Camille", "Dominique", "Claude", "Alix", "Sacha", "Charlie",
    "Maxime", "Lou", "Morgan", "Andrea", "Eden", "Noa",
)  # fmt: skip


# --- Calibration data (files) ----------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """What the generator reads from the public data: shapes and reference volumes."""

    arrondissements: np.ndarray  # 20 prepared polygons, index = number - 1
    cells: np.ndarray  # prepared background cells (IRIS ∩ arrondissement)
    cell_arrondissement: np.ndarray  # index 0..19 of each cell's arrondissement
    cell_weight: np.ndarray
    dansmarue_share: np.ndarray  # 20 shares of the DansMaRue 2020 export
    population_share: np.ndarray  # 20 shares of the legal population


# Background weights of IRIS types: H housing, A business districts, D parks and cemeteries.
IRIS_TYPE_WEIGHT = {"H": 1.0, "A": 0.7, "D": 0.25}


def _read_geojson(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def load_calibration(geo_dir: str | None = None, data_dir: str | None = None) -> Calibration:
    """Read the boundaries and reference volumes (settings' directories by default).

    Arrondissements are the union of their quartiers, the polygons `territory.locate` uses, so
    every generated point is located in the arrondissement it was drawn for.
    """
    from django.conf import settings

    if geo_dir is None:
        from territory.download import ensure_geo_files

        geo_dir = settings.CPPS_GEO_DIR or ensure_geo_files()
    return _read_calibration(str(geo_dir), str(data_dir or settings.CPPS_DATA_DIR))


@functools.lru_cache(maxsize=4)
def _read_calibration(geo_dir: str, data_dir: str) -> Calibration:
    data = Path(data_dir)
    parts: list[list] = [[] for _ in range(ARRONDISSEMENTS)]
    for feature in _read_geojson(Path(geo_dir) / "quartier_paris.geojson"):
        number = int(feature["properties"]["c_ar"])
        parts[number - 1].append(shapely.from_geojson(json.dumps(feature["geometry"])))
    arrondissements = np.array([shapely.union_all(p) for p in parts], dtype=object)
    shapely.prepare(arrondissements)

    iris_path = data / "geo" / "iris_paris.geojson"
    if iris_path.exists():
        iris = _read_geojson(iris_path)
        owners = np.array([int(f["properties"]["arrondissement"]) - 1 for f in iris])
        shapes = np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in iris])
        cells = shapely.intersection(shapes, arrondissements[owners])
        weights = np.array([IRIS_TYPE_WEIGHT.get(f["properties"]["TYP_IRIS"], 1.0) for f in iris])
        keep = ~shapely.is_empty(cells) & (shapely.area(cells) > 0)
        cells, owners, weights = cells[keep], owners[keep], weights[keep]
    else:
        # Without the IRIS grid the background is uniform over each arrondissement.
        cells = arrondissements.copy()
        owners = np.arange(ARRONDISSEMENTS)
        weights = np.ones(ARRONDISSEMENTS)
    shapely.prepare(cells)

    aggregates = json.loads(
        (data / "events" / "dansmarue_2020_aggregates.json").read_text(encoding="utf-8")
    )
    dansmarue = np.zeros(ARRONDISSEMENTS)
    for row in aggregates["by_arrondissement"]:
        dansmarue[int(row["arrondissement"]) - 1] = row["count"]
    population = np.zeros(ARRONDISSEMENTS)
    with (data / "reference" / "paris_arrondissements_population.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            population[int(row["code_insee"][-2:]) - 1] = float(row["population"])
    return Calibration(
        arrondissements=arrondissements,
        cells=cells,
        cell_arrondissement=owners,
        cell_weight=weights,
        dansmarue_share=dansmarue / dansmarue.sum(),
        population_share=population / population.sum(),
    )


# --- Sampling helpers ----------------------------------------------------------------------------


def _row_cdf(weights: np.ndarray) -> np.ndarray:
    """Row-wise cumulative distributions; an all-zero row stays all zero."""
    weights = np.asarray(weights, dtype=float)
    totals = weights.sum(axis=1, keepdims=True)
    cdf = np.cumsum(weights, axis=1) / np.where(totals > 0, totals, 1.0)
    cdf[totals[:, 0] > 0, -1] = 1.0
    return cdf


def _sample_rows(cdf: np.ndarray, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each i, a column drawn from the distribution of row `rows[i]` using uniform `u[i]`.

    One searchsorted over the rows laid end to end (row r spans the values r..r+1) instead of
    a loop over rows or an n × columns matrix.
    """
    width = cdf.shape[1]
    flat = (np.arange(cdf.shape[0])[:, None] + cdf).ravel()
    position = np.searchsorted(flat, rows + u, side="right")
    return np.minimum(position - rows * width, width - 1)


def _descriptions(code: str) -> tuple[str, ...]:
    return DESCRIPTIONS.get(code, DEFAULT_DESCRIPTIONS)


def _category_profiles(categories: Sequence[str]) -> list[CategoryProfile]:
    return [CATEGORY_PROFILES.get(code, DEFAULT_PROFILE) for code in categories]


def _arrondissement_matrix(profiles: list[CategoryProfile], calibration: Calibration) -> np.ndarray:
    """P(arrondissement | category), categories × 20."""
    rows = []
    for profile in profiles:
        mix = PLACE_MIXES[profile.place]
        share = (
            mix.dansmarue * calibration.dansmarue_share
            + (1 - mix.dansmarue) * calibration.population_share
        )
        boost = np.ones(ARRONDISSEMENTS)
        for number, factor in mix.boost:
            boost[number - 1] = factor
        rows.append(share * boost / (share * boost).sum())
    return np.array(rows)


def default_categories() -> tuple[str, ...]:
    return tuple(CATEGORY_PROFILES)


def category_weights(categories: Sequence[str]) -> np.ndarray:
    weights = np.array([p.weight for p in _category_profiles(categories)])
    return weights / weights.sum()


def expected_arrondissement_shares(
    categories: Sequence[str] | None = None, calibration: Calibration | None = None
) -> np.ndarray:
    """The share of each arrondissement (index number - 1) the generator aims at."""
    categories = tuple(categories or default_categories())
    calibration = calibration or load_calibration()
    matrix = _arrondissement_matrix(_category_profiles(categories), calibration)
    return category_weights(categories) @ matrix


# --- Time ----------------------------------------------------------------------------------------


def _paris_midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=PARIS_TZ).timestamp())


def _hour_weights(hour_starts: np.ndarray, start_epoch: int) -> np.ndarray:
    """Weights of each hour of the period under each time profile (profiles × hours)."""
    local_hour = np.empty(len(hour_starts), dtype=np.int64)
    weekday = np.empty_like(local_hour)
    month = np.empty_like(local_hour)
    day = np.empty_like(local_hour)
    shift = timedelta(hours=NIGHT_SHIFT_HOURS)
    for i, epoch in enumerate(hour_starts.tolist()):
        local = datetime.fromtimestamp(epoch, PARIS_TZ)
        activity = local - shift
        local_hour[i] = local.hour
        weekday[i], month[i], day[i] = activity.weekday(), activity.month, activity.day
    years = (hour_starts - start_epoch) / (365.25 * 86400)
    trend = (1 + YEARLY_GROWTH) ** years
    rows = []
    for profile in TIME_PROFILES.values():
        weights = (
            np.asarray(profile.hours)[local_hour]
            * np.asarray(profile.days)[weekday]
            * np.asarray(profile.months)[month - 1]
            * trend
        )
        for special_month, special_day, factor in profile.special:
            weights[(month == special_month) & (day == special_day)] *= factor
        rows.append(weights)
    return np.array(rows)


# --- The generator -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoArrays:
    """Generated complaints as aligned arrays; codes index the tuples alongside."""

    latitude: np.ndarray  # float64, WGS84
    longitude: np.ndarray  # float64
    arrondissement: np.ndarray  # int8, 1..20
    occurred_at: np.ndarray  # datetime64[s], UTC
    received_at: np.ndarray  # datetime64[s], UTC
    category: np.ndarray  # int16, index into `categories`
    channel: np.ndarray  # int8, index into `channels`
    status: np.ndarray  # int8, index into `statuses`
    text: np.ndarray  # int8, which description template of the category
    with_contact: np.ndarray  # bool: leaves (fictitious) contact details
    categories: tuple[str, ...]
    channels: tuple[str, ...] = CHANNELS
    statuses: tuple[str, ...] = STATUSES

    def __len__(self) -> int:
        return len(self.latitude)

    def description(self, i: int) -> str:
        texts = _descriptions(self.categories[self.category[i]])
        return texts[int(self.text[i]) % len(texts)]


# Status spread by age of the complaint at the end of the period (days): recent ones are new,
# old ones answered or closed. Columns follow STATUSES (new, qualified, assigned, in_progress,
# answered, closed).
STATUS_AGE_LIMITS = (2, 10, 45)
STATUS_BY_AGE = (
    (0.85, 0.10, 0.05, 0.00, 0.00, 0.00),
    (0.15, 0.15, 0.30, 0.30, 0.10, 0.00),
    (0.03, 0.02, 0.10, 0.20, 0.35, 0.30),
    (0.00, 0.00, 0.00, 0.02, 0.18, 0.80),
)
# Delay between the facts and the report: median about 20 minutes, at most about a day.
DELAY_MEDIAN_S = 1200
DELAY_SIGMA = 1.5
DELAY_MAX_S = 26 * 3600
HOTSPOT_ROUNDS = 8
BACKGROUND_ROUNDS = 200
POINT_CHUNK = 1_000_000


def generate(
    n: int,
    *,
    seed: int = 2026,
    start: date = date(2024, 1, 1),
    end: date | None = None,
    categories: Sequence[str] | None = None,
    calibration: Calibration | None = None,
) -> DemoArrays:
    """`n` complaints that occurred from `start` (00:00, Paris) until `end` (excluded; today
    by default), for the given category codes (all the Paris taxonomy by default).

    Deterministic: the same arguments always give the same arrays.
    """
    end = end or datetime.now(PARIS_TZ).date()
    if end <= start:
        raise ValueError("end must be after start")
    categories = tuple(categories or default_categories())
    calibration = calibration or load_calibration()
    profiles = _category_profiles(categories)
    rng = np.random.default_rng(seed)

    category = rng.choice(len(categories), size=n, p=category_weights(categories)).astype(np.int16)
    arrondissement = _sample_rows(
        _row_cdf(_arrondissement_matrix(profiles, calibration)), category, rng.random(n)
    )

    occurred, received = _sample_times(n, rng, category, profiles, start, end)

    channel_keys = list(CHANNEL_MIXES)
    channel_mix = np.array([channel_keys.index(p.channels) for p in profiles])[category]
    channel = _sample_rows(
        _row_cdf(np.array(list(CHANNEL_MIXES.values()))), channel_mix, rng.random(n)
    ).astype(np.int8)

    age_days = (_paris_midnight(end) - received) / 86400
    age_group = np.searchsorted(np.array(STATUS_AGE_LIMITS), age_days, side="right")
    status = _sample_rows(_row_cdf(np.array(STATUS_BY_AGE)), age_group, rng.random(n))

    contact_share = np.array([CONTACT_SHARE[c] for c in CHANNELS])
    with_contact = rng.random(n) < contact_share[channel]
    text_count = np.array([len(_descriptions(code)) for code in categories])
    text = np.floor(rng.random(n) * text_count[category]).astype(np.int8)

    # Points are drawn by chunks to bound the memory of the temporary arrays.
    latitude, longitude = np.empty(n), np.empty(n)
    sampler = _PointSampler(profiles, calibration)
    for lo in range(0, n, POINT_CHUNK):
        hi = min(lo + POINT_CHUNK, n)
        latitude[lo:hi], longitude[lo:hi] = sampler.sample(
            rng, category[lo:hi], arrondissement[lo:hi]
        )
    return DemoArrays(
        latitude=latitude,
        longitude=longitude,
        arrondissement=(arrondissement + 1).astype(np.int8),
        occurred_at=occurred.astype("datetime64[s]"),
        received_at=received.astype("datetime64[s]"),
        category=category,
        channel=channel,
        status=status.astype(np.int8),
        text=text,
        with_contact=with_contact,
        categories=categories,
    )


def _sample_times(n, rng, category, profiles, start: date, end: date):
    """Occurrence (epoch seconds) by each category's rhythm, then the report a little later."""
    start_epoch, end_epoch = _paris_midnight(start), _paris_midnight(end)
    hour_starts = np.arange(start_epoch, end_epoch, 3600, dtype=np.int64)
    profile_keys = list(TIME_PROFILES)
    time_profile = np.array([profile_keys.index(p.time) for p in profiles])[category]
    hour = _sample_rows(
        _row_cdf(_hour_weights(hour_starts, start_epoch)), time_profile, rng.random(n)
    )
    occurred = hour_starts[hour] + (rng.random(n) * 3600).astype(np.int64)
    occurred = np.minimum(occurred, end_epoch - 1)
    delay = np.exp(math.log(DELAY_MEDIAN_S) + DELAY_SIGMA * rng.standard_normal(n))
    delay = np.clip(delay, 60, DELAY_MAX_S).astype(np.int64)
    received = np.minimum(occurred + delay, end_epoch - 1)
    return occurred, received


class _PointSampler:
    """Draws points for (category, arrondissement) pairs; the lookup tables are built once."""

    def __init__(self, profiles: list[CategoryProfile], calibration: Calibration):
        self.calibration = calibration
        # Hotspots laid out by (family, arrondissement) row, padded to the longest row.
        families = list(HOTSPOTS)
        rows: list[list[Hotspot]] = [[] for _ in range(len(families) * ARRONDISSEMENTS)]
        for f, family in enumerate(families):
            spots = HOTSPOTS[family]
            lons = [s.longitude for s in spots]
            lats = [s.latitude for s in spots]
            for a in range(ARRONDISSEMENTS):
                inside = shapely.contains_xy(calibration.arrondissements[a], lons, lats)
                rows[f * ARRONDISSEMENTS + a].extend(
                    spot for spot, ok in zip(spots, inside, strict=True) if ok
                )
        width = max(len(r) for r in rows)
        self.hot_lat, self.hot_lon, self.hot_sigma, weight = np.zeros((4, len(rows), width))
        for r, spots in enumerate(rows):
            for k, spot in enumerate(spots):
                self.hot_lat[r, k], self.hot_lon[r, k] = spot.latitude, spot.longitude
                self.hot_sigma[r, k], weight[r, k] = spot.sigma_m, spot.weight
        self.hot_cdf = _row_cdf(weight)
        self.has_hotspots = weight.sum(axis=1) > 0
        self.family = np.array([families.index(p.hotspots) if p.hotspots else -1 for p in profiles])
        self.hotspot_share = np.array([p.hotspot_share for p in profiles])

        # Background cells by arrondissement row. Not weighted by area: IRIS hold similar
        # populations, so an equal chance per IRIS puts the background where people live.
        owner = calibration.cell_arrondissement
        counts = np.bincount(owner, minlength=ARRONDISSEMENTS)
        self.cell_ids = np.zeros((ARRONDISSEMENTS, counts.max()), dtype=np.int64)
        cell_weight = np.zeros((ARRONDISSEMENTS, counts.max()))
        for a in range(ARRONDISSEMENTS):
            ids = np.flatnonzero(owner == a)
            self.cell_ids[a, : len(ids)] = ids
            cell_weight[a, : len(ids)] = calibration.cell_weight[ids]
        self.cell_cdf = _row_cdf(cell_weight)
        self.cell_bounds = shapely.bounds(calibration.cells)

    def sample(self, rng, category: np.ndarray, arrondissement: np.ndarray):
        n = len(category)
        latitude = np.empty(n)
        longitude = np.empty(n)
        family = self.family[category]
        row = family * ARRONDISSEMENTS + arrondissement
        use_hotspot = (family >= 0) & self.has_hotspots[np.maximum(row, 0)]
        use_hotspot &= rng.random(n) < self.hotspot_share[category]

        # Around a hotspot: Gaussian cluster, redrawn when it spills out of the arrondissement.
        pending = np.flatnonzero(use_hotspot)
        spot = _sample_rows(self.hot_cdf, row[pending], rng.random(len(pending)))
        for _ in range(HOTSPOT_ROUNDS):
            if not len(pending):
                break
            r = row[pending]
            sigma_lat = self.hot_sigma[r, spot] / METRES_PER_DEGREE_LAT
            sigma_lon = sigma_lat / math.cos(math.radians(48.86))
            lat = self.hot_lat[r, spot] + sigma_lat * rng.standard_normal(len(pending))
            lon = self.hot_lon[r, spot] + sigma_lon * rng.standard_normal(len(pending))
            polygons = self.calibration.arrondissements[arrondissement[pending]]
            inside = shapely.contains_xy(polygons, lon, lat)
            latitude[pending[inside]], longitude[pending[inside]] = lat[inside], lon[inside]
            pending, spot = pending[~inside], spot[~inside]

        # Background (and hotspot draws that kept spilling): a cell of the arrondissement by
        # weight, then a uniform point in it.
        pending = np.sort(np.concatenate([np.flatnonzero(~use_hotspot), pending]))
        where = arrondissement[pending]
        cell = self.cell_ids[where, _sample_rows(self.cell_cdf, where, rng.random(len(pending)))]
        for _ in range(BACKGROUND_ROUNDS):
            if not len(pending):
                break
            west, south, east, north = self.cell_bounds[cell].T
            lon = west + rng.random(len(pending)) * (east - west)
            lat = south + rng.random(len(pending)) * (north - south)
            inside = shapely.contains_xy(self.calibration.cells[cell], lon, lat)
            latitude[pending[inside]], longitude[pending[inside]] = lat[inside], lon[inside]
            pending, cell = pending[~inside], cell[~inside]
        if len(pending):
            raise RuntimeError(f"{len(pending)} points could not be placed")
        return latitude, longitude


# --- To the intake service ----------------------------------------------------------------------


def external_id(seed: int, index: int) -> str:
    return f"{DEMO_SOURCE}-{seed}-{index}"


def complaint_inputs(
    arrays: DemoArrays, categories: dict, seed: int, indices: range
) -> list[ComplaintInput]:
    """`ComplaintInput`s for rows `indices`; `categories` maps a code to its Category."""
    # Imported here: the generator itself must stay usable without Django's app registry.
    from doleances.services import ComplaintInput, ContactInput

    occurred = arrays.occurred_at[indices.start : indices.stop].astype(np.int64).tolist()
    received = arrays.received_at[indices.start : indices.stop].astype(np.int64).tolist()
    items = []
    for position, i in enumerate(indices):
        contact = None
        if arrays.with_contact[i]:
            first = DEMO_FIRST_NAMES[i % len(DEMO_FIRST_NAMES)]
            contact = ContactInput(
                name=f"{first} Exemple",
                email=f"{first.lower()}.exemple{i}@example.org",
                phone=f"01 99 00 {i // 100 % 100:02d} {i % 100:02d}" if i % 2 else "",
                consent_contact=i % 3 != 0,
            )
        items.append(
            ComplaintInput(
                category=categories[arrays.categories[arrays.category[i]]],
                channel=arrays.channels[arrays.channel[i]],
                description=arrays.description(i),
                latitude=float(arrays.latitude[i]),
                longitude=float(arrays.longitude[i]),
                occurred_at=datetime.fromtimestamp(occurred[position], UTC),
                received_at=datetime.fromtimestamp(received[position], UTC),
                contact=contact,
                source=DEMO_SOURCE,
                external_id=external_id(seed, i),
                status=arrays.statuses[arrays.status[i]],
            )
        )
    return items
