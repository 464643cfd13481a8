"""PLACEHOLDER — ``POST /v1/themes/assign``, to be filled by the lead once the themes branch merges.

Not registered yet (``app.API_ROUTES`` does not list "themes"). The intended contract, matching
the other /v1/ endpoints (limits via ``service.limits.check_batch``, bearer token, typed models,
model loaded once per process through ``app.state.models``):

    request:  {"model": "<theme model folder name, not a path>", "items": [{"id": ..., "text": ...}]}
    response: {"model": ..., "results": [{"id": ..., "theme_id": ..., "label": ..., "key_phrases": [...],
               "similarity": ...}]}   # one per item, same order; ThemeModel.assign() does the work

Steps for the lead: (1) add ``LazyModels.theme_model(name)`` in service/models.py (only models under a
configured folder, never a client path); (2) define ``router`` here with the models above, calling
``ThemeModel.assign`` in a thread (``run_in_threadpool``); (3) add "themes" to ``API_ROUTES`` in
service/app.py; (4) /v1/actions/suggest already accepts ``{"theme": {"id", "label", "key_phrases"}}``,
so an assigned theme can be passed straight on; (5) tests in tests/service/test_categorise_actions.py
style; (6) docs/service.md has a "Themes" heading waiting for the example.
"""
