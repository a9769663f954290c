"""Deployment helpers: a private PostgreSQL for the shared store."""
