"""The shared layer: helpers every app needs, importing no app.

Upload and document checks, sanitising, the real client IP, caching (page
shells, the Redis cache and its breaker), slugs and folding, full-text search
vectors, versions, previews, the task queue. members, meetings, polls and the
site import from here; nothing here imports them, nor the site's models, views
or urls (the import contracts in pyproject.toml, checked by `make lint`).
"""
