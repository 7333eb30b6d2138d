"""Tidlig opsporing: early-detection observations on a child (seed 004 §3.1–3.3)."""
