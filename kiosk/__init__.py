"""帮办 kiosk: offline-first assisted-service kiosk (core package, no Qt)."""

__version__ = "0.1.0"
