"""The command line ``python -m selection``: one parser, one module per command group, one atomic file writer."""
