"""Visitor polls, their choices and votes."""
