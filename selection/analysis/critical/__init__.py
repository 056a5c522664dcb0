"""Critical values: which values would change the ranking, where to assess first, and combined changes."""
