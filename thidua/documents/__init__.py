"""Generated documents (DOCX) in the official Vietnamese layouts. No Django import here."""
