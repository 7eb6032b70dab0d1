"""Intake: a folder, an archive or a git URL becomes a clean source tree with a hash."""
