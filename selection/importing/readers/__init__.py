"""Read imported files safely, one module per job; every reader takes an ``ImportFile`` and a ``Report``.

``source`` (the file model and the bounded loading), ``archive`` (zip checks), ``vector`` (GeoJSON,
GeoPackage, zipped Shapefile), ``table`` (the table model and its shared checks), ``tabular``
(``read_table``: CSV or XLSX by extension), ``csv`` and ``xlsx``. Problems are reported in Danish naming
the file (and row/feature/column where there is one).
"""
