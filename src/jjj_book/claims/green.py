"""Claims of chapter 05_green (filled in by the chapter)."""

CHAPTER = "05_green"
