"""`python -m livingreview ...`: see livingreview.cli."""

from livingreview.cli import main

raise SystemExit(main())
