"""Files for further work (CSV, XLSX, GraphML, JSON), case folders, and the safe output writer."""
