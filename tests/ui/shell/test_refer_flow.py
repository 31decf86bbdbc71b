"""Starting a referral from a client's file goes through the main window to the referral dialog."""


from tests.fixtures.app import unlock


def test_refer_button_on_a_client_file_opens_the_referral_dialog(qtbot, window, ctx, ui_template):
    """An admin opening a client's file sees Refer…, and pressing it opens a ReferralDialog for that client."""
    from ui.clients.view import ClientFileView
    from ui.referrals.dialog import ReferralDialog

    unlock(qtbot, window, "admin")
    qtbot.waitUntil(lambda: ctx.vault is not None, timeout=5000)
    ctx.signals.open_client.emit(ui_template.canary_id)  # what "Open" anywhere in the app does
    view = window.pages["clients"].findChildren(ClientFileView)[0]
    assert view.refer_button is not None and view.refer_button.isVisible()
    view.refer_button.click()
    dialogs = [d for d in window.findChildren(ReferralDialog) if d.isVisible()]
    assert [d.client_id for d in dialogs] == [ui_template.canary_id]
    assert window.sidebar.currentRow() == list(window.pages).index("referrals")
