"""Dateline: a folder of annotated news articles becomes a searchable static archive."""

from __future__ import annotations

__version__ = "0.1.0"
