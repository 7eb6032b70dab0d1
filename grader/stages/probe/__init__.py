"""Probe: wait for the app to answer its health path, or say why it never did."""
