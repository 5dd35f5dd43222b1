"""Tests de bout en bout : le livre, les notebooks et les documents dans les vrais clients."""
