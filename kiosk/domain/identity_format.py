"""The prefixes of a case's identity code (docs/qr-format.md): which format a stored or
scanned code is in. Kept apart from kiosk.printing.signing so that finding the cases
whose code is missing or old (every kiosk start) does not load the printing code."""

IDENTITY_PREFIX = "BBI2:"  # the format written now; the digit is the format's version
IDENTITY_PREFIX_V1 = "BBI1:"  # read and verified, refused by the trust rule
IDENTITY_PREFIXES = (IDENTITY_PREFIX, IDENTITY_PREFIX_V1)
