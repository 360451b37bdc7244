"""Committee meetings: the meeting plan, agendas, minutes and follow-up."""
