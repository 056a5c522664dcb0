"""Storage: the database (engine, tables, migrations) and the folders of imported data packages."""
