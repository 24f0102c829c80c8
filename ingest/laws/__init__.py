"""Official law texts: the XML of gesetze-im-internet.de (`python -m ingest laws import`)."""
