"""Public pages of this app."""
