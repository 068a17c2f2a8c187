"""The reference town server (kiosk-server): intake, routing, statuses, reference data."""
