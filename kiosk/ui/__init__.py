"""The PySide6 user interface. The only package that uses Qt; all Qt names come from
kiosk.ui.qt."""
