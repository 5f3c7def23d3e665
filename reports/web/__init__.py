"""``zopa serve``: the what-if explorer in the browser, and its JSON API.

An ASGI application (Starlette, served by uvicorn) that shows the same analyses as
the report, computed by the same :mod:`engine` functions, for a case changed by
clicking. Pages are rendered on the server with Jinja2; the one script is our own
small file, served from the package (nothing is fetched from anywhere else).
"""
