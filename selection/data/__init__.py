"""The data package: criteria model, loading and validation, the performance matrix with provenance, data status."""
