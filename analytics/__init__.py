"""Pure numerical kernels of the observatory (hot spots, trends, near repeats, alerts).

The package depends only on numpy, scipy and h3 so that it can be unit-tested,
benchmarked and reused outside Django; the Django apps feed it plain arrays and
store what it returns.
"""
