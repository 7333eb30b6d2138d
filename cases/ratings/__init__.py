"""Børnelineal ratings: rating a child's well-being and the leader's colour report."""
