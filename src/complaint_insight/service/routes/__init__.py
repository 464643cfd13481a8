"""One module per stage of the HTTP API; each exposes ``router`` (a FastAPI ``APIRouter``).

``app.create_app`` includes the modules in ``OPEN_ROUTES`` as they are and those in
``API_ROUTES`` behind the optional bearer token. A new stage is one module here plus its name
in ``API_ROUTES``.
"""
