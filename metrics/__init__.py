"""Park indicator dashboard core: catalog, ingestion, DuckDB store, queries, charts, exports.

Never imports streamlit: pages depend on this package, not the other way round.
"""
