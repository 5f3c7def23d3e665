"""Reports: content assembly, HTML/Markdown templates, PDF, and the method text."""
