"""Counter-based random numbers with explicit keys."""
