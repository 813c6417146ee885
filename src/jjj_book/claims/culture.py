"""Claims of chapter 06_culture (filled in by the chapter)."""

CHAPTER = "06_culture"
