def test_openapi_schema_is_served(client):
    """The API publishes its OpenAPI schema at a stable URL."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "ABH API"
