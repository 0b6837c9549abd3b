"""The HTTP edge of confirmcheck (see issue 5)."""
