"""The JSON API. Each app contributes a router; the OpenAPI schema is at /api/v1/openapi.json."""

from ninja import NinjaAPI, Swagger

api = NinjaAPI(
    title="ABH API",
    version="1.0.0",
    urls_namespace="api",
    description="Case files of the immigration office. Every endpoint needs a token and "
    "answers only with what the token's user may see.",
    # The Swagger UI comes from django-ninja's own static files ("ninja" is installed);
    # no validator badge, which would send the schema's address to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)
api.add_router("/cases", "casework.api.router")
api.add_router("/search", "search.api.router")
api.add_router("/statistics", "operations.api.router")
api.add_router("/appointments", "appointments.api.router")
