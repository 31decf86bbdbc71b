"""The workspace's banners, under the top bar: each is a widget that watches the context's signals (unlock,
lock, language, changes) and shows itself only when it has something to say. Not pop-ups.

A new banner is one line here; its screen folder keeps the widget. Imported by name, like ui.pages, so this
registry does not make screens depend on each other.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

BANNERS: tuple[tuple[str, str], ...] = (
    ("ui.admin.purge_banner", "PurgeBanner"),  # retention: records due for deletion (admins)
    ("ui.kit.drafts", "DraftBanner"),  # an unsaved form kept at lock: resume or discard (its owner)
)


def build_banners(ctx, parent: QWidget) -> list[QWidget]:
    return [getattr(importlib.import_module(module), name)(ctx, parent) for module, name in BANNERS]
