"""Classifications: Swedish regions (riket, län, kommuner, groups) and SSYK 2012 occupations."""

from kompetens_forecast.classify.regions import (
    Region,
    RegionRegistry,
    default_registry,
)
from kompetens_forecast.classify.ssyk import (
    Occupation,
    OccupationRegistry,
    default_occupations,
)
from kompetens_forecast.classify.text import closest, normalize

__all__ = [
    "Occupation",
    "OccupationRegistry",
    "Region",
    "RegionRegistry",
    "closest",
    "default_occupations",
    "default_registry",
    "normalize",
]
