"""Claims of chapter 03_innovation (filled in by the chapter)."""

CHAPTER = "03_innovation"
