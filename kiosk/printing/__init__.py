"""Printed forms: the A4 PDF, the QR codes it carries, and the printer queue.

Plain Python (reportlab, qrcode, cryptography, subprocess for CUPS); no Qt and no
store here, so the town server can reuse the QR verification and import code.
"""
