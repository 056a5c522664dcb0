"""Places: geometry checks, Denmark's extent, the fast GeoJSON reader, actor presence within a distance."""
