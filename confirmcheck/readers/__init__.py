"""Readers: stays from the formats guests and hotels send (JSON, iCalendar)."""
