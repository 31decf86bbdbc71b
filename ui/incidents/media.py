"""An incident's photos and videos: attach (SHA-256 taken on arrival), the custody log, hand over the original,
and save a copy for sharing with its location and device metadata removed.

The originals never leave the vault from here: only the stripped copy is written, where the person
chooses, and the custody log says so. A format the core cannot strip (video) gets no copy, in one sentence.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic import atomic_write
from clinic.access import Can
from clinic.errors import UserError
from clinic.i18n import _
from clinic.models import hotline as hm
from ui.context import AppContext
from ui.kit import filedialogs
from ui.kit.errors import show_error
from ui.kit.format import format_when
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.ops import LocalOp, VaultOp

READ_LIMIT = 100 * 1024 * 1024 + 1  # one byte over what the core accepts, so it refuses a huge file cheaply


def read_limited(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read(READ_LIMIT)


def write_copy(path: str, content: bytes) -> None:
    try:
        atomic_write(Path(path), content)
    except OSError as exc:
        raise UserError(_("The copy could not be saved: {reason}").format(
            reason=exc.strerror or type(exc).__name__)) from None


def shown_name(media: hm.Media) -> str:
    return media.filename if media.purged_at is None else _("(deleted under the retention settings)")


def custody_text(media: hm.Media, log: list[hm.CustodyEntry]) -> str:
    lines = [shown_name(media), _("SHA-256 when received: {hash}").format(hash=media.sha256),
             _("Captured: {when} ({source})").format(when=media.captured_at or "–",
                                                     source=_(media.captured_source.label)),
             _("Original held by: {holder}").format(holder=media.holder), "", _("Custody log")]
    for e in log:
        lines.append(_("{when} {name}: {action}").format(when=format_when(e.at), name=e.by_name,
                                                         action=_(e.action.label))
                     + (f" · {e.note}" if e.note else ""))
    return "\n".join(lines)


class MediaDialog(QDialog):
    def __init__(self, ctx: AppContext, ref: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("incidentMedia")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.ref = ctx, ref
        self.media: list[hm.Media] = []
        self.errors = FieldErrors()
        self.intro, self.status, self.picture = QLabel(), QLabel(), QLabel()
        for label in (self.intro, self.status):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("mediaTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_a: self._show_custody())
        self.custody = QPlainTextEdit()
        self.custody.setObjectName("custodyLog")
        self.custody.setReadOnly(True)
        self.custody.setTabChangesFocus(True)
        self.holder, self.captured, self.new_holder = QLineEdit(), QLineEdit(), QLineEdit()
        self.captured.setPlaceholderText("YYYY-MM-DD HH:MM")
        for edit in (self.holder, self.captured, self.new_holder):
            edit.setMaxLength(200)
            edit.textEdited.connect(lambda _t, e=edit: self.errors.clear(e))
        self.attach_button, self.view_button = QPushButton(), QPushButton()
        self.copy_button, self.hand_button = QPushButton(), QPushButton()
        self.attach_button.clicked.connect(self.attach)
        self.view_button.clicked.connect(self.view)
        self.copy_button.clicked.connect(self.save_copy)
        self.hand_button.clicked.connect(self.hand_over)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        row = QHBoxLayout()
        for b in (self.view_button, self.copy_button):
            row.addWidget(b)
        row.addStretch(1)
        left.addLayout(row)
        side = QVBoxLayout()
        side.addWidget(self.custody, 1)
        self.picture.setMaximumHeight(160)
        side.addWidget(self.picture)
        split = QHBoxLayout()
        split.addLayout(left, 3)
        split.addLayout(side, 2)
        self.attach_box, self.hand_box = QGroupBox(), QGroupBox()
        form = QFormLayout(self.attach_box)
        self._labels = [labelled(form, "", self.holder), labelled(form, "", self.captured)]
        form.addRow("", self.attach_button)
        hand = QFormLayout(self.hand_box)
        self._labels.append(labelled(hand, "", self.new_holder))
        hand.addRow("", self.hand_button)
        boxes = QHBoxLayout()
        boxes.addWidget(self.attach_box, 3)
        boxes.addWidget(self.hand_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(split, 1)
        layout.addLayout(boxes)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        managing = ctx.can(Can.VIEW_INCIDENTS)
        for w in (self.copy_button, self.hand_box):
            w.setVisible(managing)
        ctx.signals.locked.connect(self.close)
        ctx.signals.language_changed.connect(self._language_changed)  # a bound method: dropped with the dialog
        self.resize(980, 640)
        self.retranslate()
        self.holder.setFocus()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Photos and videos: {ref}").format(ref=self.ref))
        self.intro.setText(_("Kept encrypted inside the vault with the SHA-256 taken when they arrived. Every "
                             "view, copy and hand-over is logged and the log cannot be changed."))
        for label, text in zip(self._labels, (_("&Who holds the original"), _("Capture &time (if the file has "
                                              "none)"), _("&New holder")), strict=True):
            label.setText(text)
            set_accessible(label.buddy(), text.replace("&", ""))
        self.table.setHorizontalHeaderLabels([_("File"), _("Captured"), _("Held by")])
        set_accessible(self.table, _("Photos and videos"))
        set_accessible(self.custody, _("Custody log"))
        self.attach_box.setTitle(_("Attach a photo or video"))
        self.hand_box.setTitle(_("&Hand over the original").replace("&", ""))
        self.attach_button.setText(_("&Attach a photo or video…"))
        self.view_button.setText(_("&View"))
        self.hand_button.setText(_("&Hand over the original"))
        self.copy_button.setText(_("Save a copy for &sharing…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.reload()

    def reload(self) -> None:
        VaultOp(self.ctx, self, lambda v: v.incident_media.for_incident(self.ref)).success(self._fill).run()

    def _fill(self, media: list[hm.Media]) -> None:
        current = self.table.currentRow()
        self.media = media
        self.table.setRowCount(0)
        for m in media:
            row = self.table.rowCount()
            self.table.insertRow(row)
            captured = f"{m.captured_at} ({_(m.captured_source.label)})" if m.captured_at else "–"
            for column, text in enumerate((shown_name(m), captured, m.holder)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if media:
            self.table.selectRow(min(max(current, 0), len(media) - 1))
        self._show_custody()

    def selected(self) -> hm.Media | None:
        row = self.table.currentRow()
        return self.media[row] if 0 <= row < len(self.media) else None

    def _show_custody(self) -> None:
        media = self.selected()
        for b in (self.view_button, self.copy_button, self.hand_button):
            b.setEnabled(media is not None and media.purged_at is None)  # a purged medium has no content
        self.picture.clear()
        if media is None:
            self.custody.setPlainText(_("No photos or videos yet."))
            return
        VaultOp(self.ctx, self, lambda v: v.incident_media.custody(media.id)) \
            .success(lambda log: self.custody.setPlainText(custody_text(media, log))).run()

    # ----- actions ------------------------------------------------------------------------------------

    def attach(self) -> None:
        if not self.holder.text().strip():
            self.errors.mark(self.holder, _("Say who holds the original."))
            return
        path = filedialogs.ask_open(self, _("Attach a photo or video"),
                                    _("Photos and videos (*.jpg *.jpeg *.png *.heic *.gif *.webp *.mp4 *.mov "
                                      "*.3gp *.avi *.mkv);;All files (*)"))
        if not path:
            return
        self.attach_button.setEnabled(False)
        self.ctx.runner.run(read_limited, path, owner=self, on_done=lambda data: self._attach(Path(path).name, data),
                            on_error=self._read_failed)

    def _read_failed(self, exc: BaseException) -> None:
        self.attach_button.setEnabled(True)
        if isinstance(exc, OSError):
            exc = UserError(_("The file could not be read: {reason}").format(reason=exc.strerror or type(exc).__name__))
        show_error(self, exc)

    def _attach(self, name: str, content: bytes) -> None:
        self.attach_button.setEnabled(True)
        holder, captured = self.holder.text(), self.captured.text()
        VaultOp(self.ctx, self, lambda v: v.incident_media.attach(self.ref, name, content, holder=holder,
                                                                  captured_at=captured)) \
            .failure(self._refused).success(self._attached).changes("incidents").run()

    def _refused(self, exc: UserError) -> None:
        widget = {"holder": self.new_holder if self.new_holder.hasFocus() else self.holder,
                  "captured_at": self.captured}.get(getattr(exc, "field", ""))
        if widget is None:
            show_error(self, exc)
        else:
            self.errors.mark(widget, exc.message)

    def _attached(self, media: hm.Media) -> None:
        self.captured.clear()
        self.status.setText(_("Attached {file}. SHA-256: {hash}").format(file=media.filename, hash=media.sha256))
        self.reload()
        self.table.selectRow(len(self.media) - 1)

    def view(self) -> None:
        """Show the picture here (the custody log records the view); a video is not played inside the app."""
        media = self.selected()
        if media is not None:
            VaultOp(self.ctx, self, lambda v: v.incident_media.open(media.id)).success(self._viewed).run()

    def _viewed(self, found) -> None:
        _media, content = found
        self._show_custody()  # the log now says "viewed"
        image = QImage.fromData(content)
        if image.isNull():
            self.status.setText(_("This file cannot be shown inside the app (a video, or a format it does not "
                                  "read)."))
            return
        self.picture.setPixmap(QPixmap.fromImage(image).scaled(
            320, 200, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def hand_over(self) -> None:
        media, to = self.selected(), self.new_holder.text()
        if media is None:
            return
        VaultOp(self.ctx, self, lambda v: v.incident_media.hand_over(media.id, to=to)) \
            .failure(lambda exc: self.errors.mark(self.new_holder, exc.message) if getattr(exc, "field", "")
                     == "holder" else show_error(self, exc)) \
            .success(lambda _m: (self.new_holder.clear(), self.reload())).run()

    def save_copy(self) -> None:
        """Ask where, make the stripped copy in the core (logged), and write it there."""
        media = self.selected()
        if media is None:
            return
        stem = media.filename.rsplit(".", 1)[0] or "media"
        png = media.mime_type == "image/png"
        path = filedialogs.ask_save(self, _("Save a copy for sharing"), f"{stem}-stripped.{'png' if png else 'jpg'}",
                                    _("PNG pictures (*.png)") if png else _("JPEG pictures (*.jpg)"))
        if not path:
            return
        op = VaultOp(self.ctx, self, lambda v: v.incident_media.sharing_copy(media.id))
        copy = op.run()
        if not op.ok:
            return
        written = LocalOp(self, lambda: write_copy(path, copy.content))
        written.run()
        if written.ok:
            found = ", ".join(copy.stripped) or _("none found")
            self.status.setText(_("Saved a copy for sharing to {file}. Location and device metadata were "
                                  "removed (found: {found}).").format(file=path, found=found))
        self._show_custody()
