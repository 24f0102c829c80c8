"""German text processing shared by indexing and querying."""
