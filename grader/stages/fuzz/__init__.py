"""The fuzz stage: cases from the OpenAPI document replayed against the app."""
