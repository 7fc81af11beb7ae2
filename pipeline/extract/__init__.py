"""Per-document stages: ingest, repair, quantities, parse, claims (their code shapes each
document's stored results)."""
