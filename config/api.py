"""The JSON API. Each app contributes a router; the OpenAPI schema is at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="ABH API",
    version="1.0.0",
    urls_namespace="api",
    description="Case files of the immigration office. Every endpoint needs a token and "
    "answers only with what the token's user may see.",
)
api.add_router("/cases", "casework.api.router")
api.add_router("/search", "search.api.router")
api.add_router("/statistics", "operations.api.router")
api.add_router("/appointments", "appointments.api.router")
