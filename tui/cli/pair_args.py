"""The pair a command names on its command line."""

from __future__ import annotations

import argparse

from core.model.pair import Pair


def pair_of(args: argparse.Namespace) -> Pair:
    """``--app``, SOURCE and TARGET as one value."""
    return Pair(args.app, args.source, args.target)
