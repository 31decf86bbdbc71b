"""Issue 14: the letter preview fits a 1366x768 laptop screen."""

from __future__ import annotations

from tests.fixtures.screens import too_big


def test_the_letter_preview_fits_with_its_fit_page_button(preview):
    """The preview was 1,383 px wide, cutting off "Fit page"."""
    _ctx, _referral, widget = preview
    assert too_big(widget, "the letter preview") == []
    right = widget.fit_page.mapTo(widget, widget.fit_page.rect().bottomRight()).x()
    assert right <= widget.width()
