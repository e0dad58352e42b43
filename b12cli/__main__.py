"""`python -m b12cli`."""

from b12cli.cli import main

main()
