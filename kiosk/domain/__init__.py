"""Pure-Python validators for the data residents give at the desk.

ID numbers (GB 11643-1999), region codes (GB/T 2260), mobile numbers, bank
accounts and calendar dates. No Qt, no database: the form engine, the CLI and
the town server all share these rules. Import the submodules directly
(``from kiosk.domain.idcard import parse_id_number``); nothing is re-exported.
"""
