// Placeholder translation unit for an area whose sources are not written yet.
