"""Devices behind small interfaces, no Qt: ID card readers (readers.py, wedge.py, sam_*.py).

See docs/devices.md for the readers supported and how a hall adds another.
"""
