from __future__ import annotations

from dateline.cli import main

main()
