"""What the app and the command line hand out: shortlist files, map layers and geometry, offline assets, alt text."""
