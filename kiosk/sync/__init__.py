"""The kiosk side of sync: the outbox worker and its wire protocol (docs/sync-protocol.md)."""
