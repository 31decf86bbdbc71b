"""The rows a lazy table model has fetched, page by page, holding only the pages read most recently."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any


class PagedRows:
    """The rows a lazy model has fetched, page by page, holding only the pages read most recently.

    A dropped page is fetched again, after the same row as the first time, when a view reads it: so
    memory stays flat however far one scrolls. The last row of every page is kept (it is what the next
    page is fetched after): one row in PAGE_SIZE. A row inserted later (a save) makes its page one row
    longer; that page is then fetched again with its own length.
    """

    def __init__(self, fetch: Callable[[Any | None, int], Sequence[Any]], page_size: int, keep: int):
        self._fetch, self._page_size, self._keep = fetch, page_size, max(1, keep)
        self._pages: list[list[Any] | None] = []
        self._afters: list[Any | None] = []  # what each page was fetched after (None: the first)
        self._lasts: list[Any] = []  # each page's last row
        self._starts: list[int] = []  # each page's first row number
        self._held: dict[int, None] = {}  # page numbers held, least recently read first
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    @property
    def pages_held(self) -> int:
        return len(self._held)

    def append_page(self, rows: list[Any]) -> None:
        self._afters.append(self._lasts[-1] if self._lasts else None)
        self._lasts.append(rows[-1])
        self._starts.append(self._len)
        self._pages.append(rows)
        self._len += len(rows)
        self._touch(len(self._pages) - 1)

    def last(self) -> Any | None:
        return self._lasts[-1] if self._lasts else None

    def __getitem__(self, i: int) -> Any:
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        number = bisect.bisect_right(self._starts, i) - 1
        offset = i - self._starts[number]
        page = self._page(number)
        return page[offset] if offset < len(page) else None  # rows deleted since: an empty cell

    def __iter__(self):
        return (self[i] for i in range(self._len))

    def _length(self, number: int) -> int:
        end = self._starts[number + 1] if number + 1 < len(self._starts) else self._len
        return end - self._starts[number]

    def _page(self, number: int) -> list[Any]:
        page = self._pages[number]
        if page is None:
            try:
                page = list(self._fetch(self._afters[number], self._length(number)))
            except Exception:  # noqa: BLE001 - a view is reading; the cell shows empty, never raises
                page = []
            self._pages[number] = page
        self._touch(number)
        return page

    def find(self, wanted: Any, key: Callable[[Any], Any]) -> tuple[int, bool] | None:
        """Where a row with key `wanted` is, or would go, among the rows fetched: (position, already there).

        None when it sorts after every row fetched. Only the one page it falls in is read.
        """
        number = bisect.bisect_left([key(last) for last in self._lasts], wanted)
        if number == len(self._lasts):
            return None
        page = self._page(number)
        offset = bisect.bisect_left([key(row) for row in page], wanted)
        present = offset < len(page) and key(page[offset]) == wanted
        return self._starts[number] + offset, present

    def replace(self, i: int, row: Any) -> None:
        number = bisect.bisect_right(self._starts, i) - 1
        page, offset = self._page(number), i - self._starts[number]
        page[offset] = row
        if offset == len(page) - 1:
            self._lasts[number] = row

    def insert(self, i: int, row: Any) -> None:
        """Insert at position i (from find(), or len(self) to append after every row)."""
        if not self._pages:
            self.append_page([row])
            return
        number = min(bisect.bisect_right(self._starts, i) - 1, len(self._pages) - 1)
        page = self._page(number)
        page.insert(i - self._starts[number], row)
        if i - self._starts[number] == len(page) - 1:  # appended after the very last row
            self._lasts[number] = row
        for later in range(number + 1, len(self._starts)):
            self._starts[later] += 1
        self._len += 1

    def _touch(self, number: int) -> None:
        self._held.pop(number, None)
        self._held[number] = None
        while len(self._held) > self._keep:
            oldest = next(iter(self._held))
            del self._held[oldest]
            self._pages[oldest] = None
