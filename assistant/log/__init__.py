"""The answer log: one pseudonymous row per answer, with feedback, reviews and an audit trail."""

from assistant.log.store import AnswerLog, LogEntry, LogFilter, Overview, Verdict

__all__ = ["AnswerLog", "LogEntry", "LogFilter", "Overview", "Verdict"]
