"""Form definitions as data: schema, catalogue, engine and the expression language."""
