"""Everything that only makes the build faster, behind one switch (LIVINGREVIEW_NO_BATCH=1 turns it off).

Owns: every patch of a third-party internal (patches.py names each and the version it was written
for; a different version is refused and the plain path taken), every cache a build keeps between
runs, the helper process (offload.py) and the pybtex parse child. The product never imports it
except through the build steps (speed/steps.py) and the checks' cache; with the switch off, or any
patch refused, the site is the same (tests/test_batching.py, tests/test_speed.py).

May import: anything.
"""
