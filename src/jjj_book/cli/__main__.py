import sys

from jjj_book.cli import main

sys.exit(main())
