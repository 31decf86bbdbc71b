"""Marks drawn with QPainter, so no emoji or icon font is needed."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap

from ui.kit import theme


def lock_pixmap(size: int = 20, color: str = theme.COLORS["sealed_title"]) -> QPixmap:
    """A padlock drawn with QPainter: no emoji font is needed for the attorney-only mark."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(color), max(1.5, size / 9))
    painter.setPen(pen)
    painter.drawArc(QRectF(size * 0.28, size * 0.08, size * 0.44, size * 0.5), 0, 180 * 16)
    painter.drawLine(QPointF(size * 0.28, size * 0.33), QPointF(size * 0.28, size * 0.45))
    painter.drawLine(QPointF(size * 0.72, size * 0.33), QPointF(size * 0.72, size * 0.45))
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(QRectF(size * 0.16, size * 0.45, size * 0.68, size * 0.48), 2, 2)
    painter.end()
    return pixmap

