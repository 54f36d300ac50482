"""The record schema: pydantic models and the JSON Schema files generated from them."""
