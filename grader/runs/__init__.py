"""Runs: batches, the self-check, the kit, regrade, calibration, and their records."""
