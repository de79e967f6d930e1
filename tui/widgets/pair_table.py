"""The Dashboard's table: a DataTable whose cells are updated by key in batches.

``DataTable.update_cell`` repaints the whole table for every cell (a refresh of the
widget each time: ~25 µs of region arithmetic); a poll of 500 pairs changes a cell or
three of every row (the heartbeat's age at least), so the repaint requests alone cost
more than the poll. Inside :meth:`PairTable.updating` the cells are updated the same way,
by row and column key, and the table is refreshed once when the batch ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.geometry import Region
from textual.widgets import DataTable


class PairTable(DataTable[Any]):
    _batching = False
    #: what the refreshes asked during a batch want: (asked at all, layout)
    _wanted = (False, False)

    @contextmanager
    def updating(self) -> Iterator[None]:
        """Update cells (and add or remove rows) with one refresh at the end."""
        self._batching = True
        try:
            yield
        finally:
            self._batching = False
            asked, layout = self._wanted
            self._wanted = (False, False)
            if asked:
                super().refresh(layout=layout)

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> PairTable:
        if self._batching and not recompose:
            self._wanted = (True, self._wanted[1] or layout)
            return self
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        return self
