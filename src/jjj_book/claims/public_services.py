"""Claims of chapter 04_public_services (filled in by the chapter)."""

CHAPTER = "04_public_services"
